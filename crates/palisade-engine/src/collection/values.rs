//! The transaction's byte store: every request value (argument, header, cookie, URI part) is
//! copied once into one arena and named by a [`Slot`]. Slots are stable for the transaction,
//! which is what lets the engine memoise transformations per (value, chain).

/// A value in a [`ValueTable`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Slot(pub u32);

/// An arena of bytes with slot-indexed ranges into it.
#[derive(Clone, Debug, Default)]
pub struct ValueTable {
    bytes: Vec<u8>,
    spans: Vec<(u32, u32)>,
}

impl ValueTable {
    /// Forgets every value, keeping the allocations.
    pub fn clear(&mut self) {
        self.bytes.clear();
        self.spans.clear();
    }

    /// Copies `value` in and returns its slot.
    pub fn push(&mut self, value: &[u8]) -> Slot {
        let start = self.bytes.len();
        self.bytes.extend_from_slice(value);
        self.push_span(start)
    }

    /// Appends the concatenation of `parts` as one value.
    pub fn push_concat(&mut self, parts: &[&[u8]]) -> Slot {
        let start = self.bytes.len();
        for p in parts {
            self.bytes.extend_from_slice(p);
        }
        self.push_span(start)
    }

    fn push_span(&mut self, start: usize) -> Slot {
        let s = u32::try_from(start).unwrap_or(u32::MAX);
        let len = u32::try_from(self.bytes.len() - start).unwrap_or(0);
        let id = u32::try_from(self.spans.len()).unwrap_or(u32::MAX);
        self.spans.push((s, len));
        Slot(id)
    }

    /// The bytes of a slot (empty for an unknown slot).
    pub fn get(&self, slot: Slot) -> &[u8] {
        match self.spans.get(slot.0 as usize) {
            Some(&(s, l)) => self
                .bytes
                .get(s as usize..(s as usize + l as usize))
                .unwrap_or(&[]),
            None => &[],
        }
    }

    /// The number of slots handed out.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// True when no slot was handed out.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Bytes held, for memory accounting.
    pub fn bytes_len(&self) -> usize {
        self.bytes.len()
    }
}
