//! Capacity planning (to be written).
