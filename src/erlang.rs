//! Erlang staffing maths (to be written).
