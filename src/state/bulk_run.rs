//! A bulk rDNS run: which rows wait, run, changed or failed; what stop, resume and retry do.
//! Pure, so the bookkeeping is tested without a browser; the page drives it.

use hostwinds::{RdnsName, Target};

#[derive(Debug, Clone, PartialEq)]
pub enum RowState {
    Waiting,
    Running,
    /// Hostwinds said success: its message.
    Changed(String),
    /// Hostwinds or the proxy said no: nothing changed.
    Failed(String),
    /// No usable answer: it may or may not have been applied.
    Unknown(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct RunRow {
    pub target: Target,
    pub name: RdnsName,
    /// The name before the run, for the record.
    pub before: Option<String>,
    pub state: RowState,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Run {
    pub rows: Vec<RunRow>,
    /// No new row starts; the running ones finish.
    pub stopped: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub waiting: usize,
    pub running: usize,
    pub changed: usize,
    pub failed: usize,
    pub unknown: usize,
}

impl Counts {
    pub fn done(&self) -> usize {
        self.changed + self.failed + self.unknown
    }
    pub fn total(&self) -> usize {
        self.done() + self.waiting + self.running
    }
}

impl Run {
    pub fn new(rows: Vec<(Target, RdnsName, Option<String>)>) -> Run {
        Run {
            rows: rows.into_iter().map(|(target, name, before)| RunRow { target, name, before, state: RowState::Waiting }).collect(),
            stopped: false,
        }
    }

    /// The next row to send, marked running; none when stopped or nothing waits.
    pub fn take_next(&mut self) -> Option<usize> {
        if self.stopped {
            return None;
        }
        let i = self.rows.iter().position(|r| r.state == RowState::Waiting)?;
        self.rows[i].state = RowState::Running;
        Some(i)
    }

    pub fn finish(&mut self, i: usize, state: RowState) {
        if let Some(r) = self.rows.get_mut(i) {
            r.state = state;
        }
    }

    /// Failed rows wait again (unknown ones are left: resending them blindly could repeat a change).
    pub fn retry_failed(&mut self) -> usize {
        let mut n = 0;
        for r in &mut self.rows {
            if matches!(r.state, RowState::Failed(_)) {
                r.state = RowState::Waiting;
                n += 1;
            }
        }
        self.stopped = false;
        n
    }

    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for r in &self.rows {
            match r.state {
                RowState::Waiting => c.waiting += 1,
                RowState::Running => c.running += 1,
                RowState::Changed(_) => c.changed += 1,
                RowState::Failed(_) => c.failed += 1,
                RowState::Unknown(_) => c.unknown += 1,
            }
        }
        c
    }

    pub fn finished(&self) -> bool {
        let c = self.counts();
        c.running == 0 && (c.waiting == 0 || self.stopped)
    }

    /// One sentence: what was and was not changed.
    pub fn summary(&self) -> String {
        let c = self.counts();
        let mut parts = vec![format!("{} of {} changed", c.changed, c.total())];
        if c.failed > 0 {
            parts.push(format!("{} failed (not changed)", c.failed));
        }
        if c.unknown > 0 {
            parts.push(format!("{} with an unknown outcome (check them)", c.unknown));
        }
        if c.waiting > 0 {
            parts.push(format!("{} not sent", c.waiting));
        }
        parts.join(", ") + "."
    }

    /// Every row with its outcome, for the record (CSV).
    pub fn csv(&self) -> String {
        let mut out = hostwinds::CsvTable::new(&["serviceid", "ip", "rdns_before", "rdns_requested", "result", "message"]);
        for r in &self.rows {
            let (result, message) = match &r.state {
                RowState::Waiting => ("not sent", ""),
                RowState::Running => ("running", ""),
                RowState::Changed(m) => ("changed", m.as_str()),
                RowState::Failed(m) => ("failed", m.as_str()),
                RowState::Unknown(m) => ("unknown", m.as_str()),
            };
            let (serviceid, ip, name) = (r.target.serviceid.to_string(), r.target.ip.to_string(), r.name.to_string());
            out.row([serviceid.as_str(), ip.as_str(), r.before.as_deref().unwrap_or_default(), name.as_str(), result, message]);
        }
        out.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hostwinds::{Ip, ServiceId};

    fn run(n: usize) -> Run {
        Run::new(
            (1..=n)
                .map(|i| {
                    let t = Target { serviceid: ServiceId::parse("20001").unwrap(), ip: Ip::parse(&format!("192.0.2.{i}")).unwrap() };
                    (t, RdnsName::parse(&format!("mail{i}.example.com")).unwrap(), None)
                })
                .collect(),
        )
    }

    #[test]
    fn rows_run_in_order_and_stop_resume() {
        let mut r = run(4);
        assert_eq!((r.take_next(), r.take_next()), (Some(0), Some(1)));
        r.finish(0, RowState::Changed("rDNS record updated.".into()));
        r.stopped = true;
        assert_eq!(r.take_next(), None);
        assert!(!r.finished(), "row 1 still runs");
        r.finish(1, RowState::Failed("Nope".into()));
        assert!(r.finished());
        assert_eq!(r.summary(), "1 of 4 changed, 1 failed (not changed), 2 not sent.");
        r.stopped = false;
        assert_eq!(r.take_next(), Some(2));
        r.finish(2, RowState::Unknown("timeout".into()));
        assert_eq!(r.take_next(), Some(3));
        r.finish(3, RowState::Changed("ok".into()));
        assert_eq!(r.take_next(), None);
        assert_eq!(r.retry_failed(), 1);
        assert_eq!(r.take_next(), Some(1), "failed rows run again, unknown ones do not");
        assert_eq!(r.take_next(), None);
    }

    #[test]
    fn the_record_lists_every_row() {
        let mut r = run(2);
        r.take_next();
        r.finish(0, RowState::Failed("The IP address is not assigned to this server.".into()));
        let csv = r.csv();
        assert!(csv.contains("20001,192.0.2.1,,mail1.example.com,failed,The IP address is not assigned to this server."), "{csv}");
        assert!(csv.contains("192.0.2.2,,mail2.example.com,not sent,"), "{csv}");
    }
}
