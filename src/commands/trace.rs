//! `trace`: run a stage's server and client (or any pair) and show every signal they send
//! each other as the kernel recorded it. The work, and the options, are `minitalk-trace`'s
//! (`crates/trace`); this command runs it in the workbook's workspace.

use super::{CommandResult, Workbook};

impl Workbook {
    pub fn trace(&self, args: minitalk_trace::cli::Args) -> CommandResult {
        let code = minitalk_trace::cli::main(args, Some(&self.workspace.root));
        Ok(code as u8)
    }
}
