//! Capacity planning: from a forecast and a scenario to agents per
//! interval, FTE per week, seasonal hires, overtime and partner overflow at
//! the lowest cost.

pub mod mix;
pub mod scenario;
pub mod staffing;

pub use scenario::Scenario;
