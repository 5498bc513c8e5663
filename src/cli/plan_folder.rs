//! The flags of the commands that read a plan folder (`simulate`,
//! `reforecast`), and the one way they load it.

use std::path::PathBuf;

use crate::capacity::Scenario;
use crate::cli::Global;
use crate::error::Result;
use crate::simulate::plan_dir::{self, PlanFolder};

/// `--plan DIR [--scenario FILE]`.
#[derive(Debug, clap::Args)]
pub struct PlanFolderArgs {
    /// The folder `peakplan plan --out-dir` wrote.
    #[arg(long, value_name = "DIR")]
    pub plan: PathBuf,
    /// The scenario (targets, AHT, patience, partners, overtime); default:
    /// the one summary.json records.
    #[arg(long, value_name = "FILE")]
    pub scenario: Option<PathBuf>,
}

impl PlanFolderArgs {
    /// The folder and its scenario, read with the settings below a
    /// scenario's (config file, built-in).
    ///
    /// # Errors
    ///
    /// Exit 2 for a missing or malformed folder or scenario.
    pub fn load(&self, global: &Global) -> Result<(PlanFolder, Scenario)> {
        let folder = plan_dir::read(&self.plan)?;
        let settings = global.below_scenario();
        let scenario = folder.scenario(self.scenario.as_deref(), &settings)?;
        Ok((folder, scenario))
    }
}
