//! The server's resident memory, from `/proc/PID/status`, sampled during
//! the run.

use std::time::Duration;

/// The samples of one process's resident set.
#[derive(Clone, Copy, Debug)]
pub struct Rss {
    /// The process.
    pub pid: u32,
    /// Before the attack, in KiB.
    pub before: u64,
    /// The most seen, in KiB.
    pub peak: u64,
    /// When, from the start, the process was found gone.
    pub gone_after: Option<Duration>,
}

impl Rss {
    /// The first sample, or `None` if there is no such process.
    pub fn before(pid: u32) -> Option<Rss> {
        let before = vm_rss_kib(pid)?;
        Some(Rss { pid, before, peak: before, gone_after: None })
    }

    /// Takes a sample at `elapsed` from the start, unless the process is
    /// already gone.
    pub fn sample(&mut self, elapsed: Duration) {
        if self.gone_after.is_some() {
            return;
        }
        match vm_rss_kib(self.pid) {
            Some(kib) => self.peak = self.peak.max(kib),
            None => self.gone_after = Some(elapsed),
        }
    }

    /// The growth per connection in KiB: (peak − before) / `connections`.
    pub fn per_connection(&self, connections: usize) -> f64 {
        self.peak.saturating_sub(self.before) as f64 / connections.max(1) as f64
    }
}

/// `VmRSS` of process `pid` in KiB; `None` once it is gone (a zombie has
/// no `VmRSS` line).
fn vm_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    rss_in(&status)
}

/// The `VmRSS` of a `/proc/PID/status` text, in KiB.
fn rss_in(status: &str) -> Option<u64> {
    let value = status.lines().find_map(|line| line.strip_prefix("VmRSS:"))?;
    value.trim().strip_suffix("kB")?.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_vm_rss() {
        assert_eq!(
            rss_in("Name:\techo_server\nVmPeak:\t  9000 kB\nVmRSS:\t    2048 kB\nRssAnon:\t 1 kB\n"),
            Some(2048)
        );
        assert_eq!(rss_in("Name:\tzombie\nState:\tZ (zombie)\n"), None);
        let me = Rss::before(std::process::id()).expect("this process has a resident set");
        assert!(me.before > 0);
        assert!((Rss { peak: me.before + 300, ..me }.per_connection(3) - 100.0).abs() < 1e-9);
    }
}
