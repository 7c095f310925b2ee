//! The figures of ModSecurity's benchmark harness (`shared/bench/modsec/bench.c`), computed the
//! same way: per group of requests the total, mean, median and nearest-rank p99 of the
//! per-request microseconds; the medians of those over the passes; and the process memory
//! read from `/proc/self/status`, as the harness reads `/proc/self/statm` and `getrusage`.

use serde_json::{Value, json};

/// Latency figures of one group of requests in one pass (or the medians over passes).
#[derive(Clone, Copy, Debug, Default)]
pub struct Group {
    /// Requests in the group.
    pub n: usize,
    /// Sum of the per-request times, µs.
    pub total_us: f64,
    /// Mean, µs.
    pub mean_us: f64,
    /// Median, µs.
    pub median_us: f64,
    /// 99th percentile (nearest rank), µs.
    pub p99_us: f64,
}

impl Group {
    /// The figures of `lat` (sorted in place).
    pub fn of(lat: &mut [f64]) -> Group {
        let n = lat.len();
        if n == 0 {
            return Group {
                n,
                total_us: 0.0,
                mean_us: f64::NAN,
                median_us: f64::NAN,
                p99_us: f64::NAN,
            };
        }
        lat.sort_by(f64::total_cmp);
        let total: f64 = lat.iter().sum();
        let median = if n % 2 == 1 {
            lat[n / 2]
        } else {
            (lat[n / 2 - 1] + lat[n / 2]) / 2.0
        };
        Group {
            n,
            total_us: total,
            mean_us: total / n as f64,
            median_us: median,
            p99_us: percentile_sorted(lat, 99.0),
        }
    }

    /// The harness's line: `  benign  n=1800  total=… us  mean=…  median=…  p99=… us`.
    pub fn line(&self, name: &str) -> String {
        format!(
            "  {name:<7} n={:<5} total={:10.0} us  mean={:8.1}  median={:8.1}  p99={:8.1} us",
            self.n, self.total_us, self.mean_us, self.median_us, self.p99_us
        )
    }

    /// The harness's JSON form.
    pub fn json(&self) -> Value {
        let num = |x: f64| if x.is_nan() { Value::Null } else { json!(x) };
        json!({
            "n": self.n,
            "total_us": num(self.total_us),
            "mean_us": num(self.mean_us),
            "median_us": num(self.median_us),
            "p99_us": num(self.p99_us),
        })
    }
}

/// Nearest-rank percentile of a sorted slice.
pub fn percentile_sorted(v: &[f64], p: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let k = ((p / 100.0) * v.len() as f64).ceil() as usize;
    v[k.clamp(1, v.len()) - 1]
}

/// The median of `v` (sorted in place; NaN when empty).
pub fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    super::super::corpus::median(v)
}

/// The figures of one timed pass.
#[derive(Clone, Debug, Default)]
pub struct Pass {
    /// Benign requests.
    pub benign: Group,
    /// Attack requests.
    pub attack: Group,
    /// All requests.
    pub all: Group,
    /// Wall time of the pass, seconds.
    pub wall_s: f64,
    /// Requests per second over the pass.
    pub rps: f64,
    /// Attacks blocked with status 403.
    pub attack_403: usize,
    /// Benign requests blocked with status 403.
    pub benign_403: usize,
    /// Attacks stopped by another disruptive action.
    pub attack_other: usize,
    /// Benign requests stopped by another disruptive action.
    pub benign_other: usize,
    /// Rule messages logged (the disruptive one included).
    pub log_messages: usize,
}

impl Pass {
    /// The harness's JSON form of a pass.
    pub fn json(&self) -> Value {
        json!({
            "wall_s": self.wall_s,
            "rps": self.rps,
            "benign": self.benign.json(),
            "attack": self.attack.json(),
            "all": self.all.json(),
            "attack_403": self.attack_403,
            "benign_403": self.benign_403,
            "attack_other": self.attack_other,
            "benign_other": self.benign_other,
        })
    }
}

/// The medians over passes of every figure, as the harness computes them.
pub fn median_pass(ps: &[Pass]) -> Pass {
    let med = |f: &dyn Fn(&Pass) -> f64| -> f64 {
        let mut v: Vec<f64> = ps.iter().map(f).collect();
        median(&mut v)
    };
    let group = |g: &dyn Fn(&Pass) -> &Group| -> Group {
        Group {
            n: ps.first().map_or(0, |p| g(p).n),
            total_us: med(&|p| g(p).total_us),
            mean_us: med(&|p| g(p).mean_us),
            median_us: med(&|p| g(p).median_us),
            p99_us: med(&|p| g(p).p99_us),
        }
    };
    let first = ps.first().cloned().unwrap_or_default();
    Pass {
        benign: group(&|p| &p.benign),
        attack: group(&|p| &p.attack),
        all: group(&|p| &p.all),
        wall_s: med(&|p| p.wall_s),
        rps: med(&|p| p.rps),
        ..first
    }
}

/// A field of `/proc/self/status` in KiB (`VmRSS`, `VmHWM`); 0 where there is none.
pub fn proc_status_kib(field: &str) -> u64 {
    let Ok(text) = std::fs::read_to_string("/proc/self/status") else {
        return 0;
    };
    text.lines()
        .find_map(|l| {
            let rest = l.strip_prefix(field)?.strip_prefix(':')?;
            rest.split_whitespace().next()?.parse().ok()
        })
        .unwrap_or(0)
}

/// The resident set size now, KiB.
pub fn rss_kib() -> u64 {
    proc_status_kib("VmRSS")
}

/// The peak resident set size, KiB.
pub fn peak_rss_kib() -> u64 {
    proc_status_kib("VmHWM").max(rss_kib())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_p99_and_median() {
        let mut v: Vec<f64> = (1..=200).map(f64::from).collect();
        v.reverse();
        let g = Group::of(&mut v);
        assert_eq!(g.n, 200);
        assert_eq!(g.median_us, 100.5);
        assert_eq!(g.p99_us, 198.0);
        assert_eq!(g.total_us, 20100.0);
        let mut one = [7.0];
        assert_eq!(Group::of(&mut one).p99_us, 7.0);
        assert!(Group::of(&mut []).median_us.is_nan());
    }

    #[test]
    fn medians_over_passes() {
        let pass = |rps: f64, med: f64| Pass {
            rps,
            benign: Group {
                n: 3,
                median_us: med,
                ..Group::default()
            },
            ..Pass::default()
        };
        let m = median_pass(&[pass(10.0, 5.0), pass(30.0, 1.0), pass(20.0, 3.0)]);
        assert_eq!(m.rps, 20.0);
        assert_eq!(m.benign.median_us, 3.0);
        assert_eq!(m.benign.n, 3);
    }

    #[test]
    fn reads_own_memory() {
        assert!(rss_kib() > 0);
        assert!(peak_rss_kib() >= rss_kib());
    }
}
