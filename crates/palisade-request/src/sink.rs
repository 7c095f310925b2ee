//! Where parsed arguments go: the [`ArgSink`] trait, a collecting sink for tests and simple
//! hosts, and [`ArgLimit`], the `SecArgumentsLimit` adapter.

use core::ops::ControlFlow;

/// Receives arguments (name, value) in the order the parser finds them.
///
/// Returning [`ControlFlow::Break`] refuses the argument and asks the parser to stop, as
/// ModSecurity's `Transaction::addArgument` does when `SecArgumentsLimit` is reached: the
/// urlencoded parser then adds no further argument, and the JSON parser ends with v3's
/// "client cancelled parse" error.
pub trait ArgSink {
    /// One argument. Both slices are only valid for the duration of the call.
    fn arg(&mut self, name: &[u8], value: &[u8]) -> ControlFlow<()>;
}

impl<F: FnMut(&[u8], &[u8]) -> ControlFlow<()>> ArgSink for F {
    fn arg(&mut self, name: &[u8], value: &[u8]) -> ControlFlow<()> {
        self(name, value)
    }
}

/// Collects every argument into owned pairs (handy for tests and for hosts without an arena).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CollectArgs(pub Vec<(Vec<u8>, Vec<u8>)>);

impl ArgSink for CollectArgs {
    fn arg(&mut self, name: &[u8], value: &[u8]) -> ControlFlow<()> {
        self.0.push((name.to_vec(), value.to_vec()));
        ControlFlow::Continue(())
    }
}

/// `SecArgumentsLimit`: passes arguments to `inner` while fewer than `limit` arguments exist in
/// the transaction (`existing` counts those already there, e.g. ARGS_GET before a body), then
/// refuses them.
#[derive(Debug)]
pub struct ArgLimit<S> {
    inner: S,
    count: usize,
    limit: usize,
}

impl<S: ArgSink> ArgLimit<S> {
    /// Wraps `inner`; `existing` arguments already count against `limit`.
    pub fn new(inner: S, existing: usize, limit: usize) -> Self {
        ArgLimit {
            inner,
            count: existing,
            limit,
        }
    }

    /// The number of arguments counted so far (existing ones included).
    pub fn count(&self) -> usize {
        self.count
    }

    /// The wrapped sink.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S: ArgSink> ArgSink for ArgLimit<S> {
    fn arg(&mut self, name: &[u8], value: &[u8]) -> ControlFlow<()> {
        if self.count >= self.limit {
            return ControlFlow::Break(());
        }
        self.count += 1;
        self.inner.arg(name, value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_refuses_after_limit_counting_existing() {
        let mut s = ArgLimit::new(CollectArgs::default(), 1, 3);
        assert_eq!(s.arg(b"a", b"1"), ControlFlow::Continue(()));
        assert_eq!(s.arg(b"b", b"2"), ControlFlow::Continue(()));
        assert_eq!(s.arg(b"c", b"3"), ControlFlow::Break(()));
        assert_eq!(s.count(), 3);
        assert_eq!(s.into_inner().0.len(), 2);
    }

    #[test]
    fn closures_are_sinks() {
        let mut n = 0;
        let mut f = |_: &[u8], _: &[u8]| {
            n += 1;
            ControlFlow::Continue(())
        };
        let _ = f.arg(b"x", b"y");
        assert_eq!(n, 1);
    }
}
