//! Transformation chains interned in a trie: node = (parent, transformation). Every rule's
//! chain (its `t:` list after the last `t:none`, with `SecDefaultAction` transformations in
//! front when the rule has no `t:none`) is a path from the root, so chains that share a prefix
//! share nodes — `t:urlDecodeUni,t:lowercase` reuses `t:urlDecodeUni` — and a transaction
//! computes each (value, node) once.
//!
//! Each node also keeps its chain's trigger classes ([`Triggers`]): a value holding none of them
//! comes out of the chain equal to itself up to ASCII case, so a transaction need not compute the
//! chain to know what the prefilter would say about the result. It keeps too its chain's
//! *exact* classes ([`Triggers::exact_chain`]), and per node the exact classes of its own step
//! ([`ChainTrie::step_exact`]): a value holding none of a chain's exact classes *is* the
//! chain's result, byte for byte, and a value holding none of a step's is that step's result.

use std::collections::HashMap;

use palisade_transform::{TransformId, Triggers};

/// A node of the [`ChainTrie`]; [`ChainTrie::ROOT`] is the empty chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub u32);

/// The trie of transformation chains.
#[derive(Clone, Debug)]
pub struct ChainTrie {
    nodes: Vec<(NodeId, TransformId, u16)>,
    /// Per node: the union of the trigger classes of its path's transformations.
    triggers: Vec<Triggers>,
    /// Per node: the union of the exact classes of its path's transformations.
    exact: Vec<Triggers>,
    index: HashMap<(NodeId, TransformId), NodeId>,
}

impl Default for ChainTrie {
    fn default() -> Self {
        ChainTrie {
            nodes: vec![(NodeId(0), TransformId::None, 0)],
            triggers: vec![Triggers::NONE],
            exact: vec![Triggers::NONE],
            index: HashMap::new(),
        }
    }
}

impl ChainTrie {
    /// The empty chain.
    pub const ROOT: NodeId = NodeId(0);

    /// The node for `chain` (interning every prefix).
    pub fn intern(&mut self, chain: &[TransformId]) -> NodeId {
        let mut at = Self::ROOT;
        for &t in chain {
            at = self.child(at, t);
        }
        at
    }

    /// The node for `parent` followed by `t`.
    pub fn child(&mut self, parent: NodeId, t: TransformId) -> NodeId {
        if let Some(&n) = self.index.get(&(parent, t)) {
            return n;
        }
        let depth = self.depth(parent).saturating_add(1);
        let id = NodeId(u32::try_from(self.nodes.len()).unwrap_or(u32::MAX));
        self.nodes.push((parent, t, depth));
        let triggers = self.triggers(parent).union(t.triggers());
        self.triggers.push(triggers);
        let exact = self.exact(parent).union(t.exact_triggers());
        self.exact.push(exact);
        self.index.insert((parent, t), id);
        id
    }

    /// The node's parent and last transformation (`None` for the root).
    pub fn step(&self, node: NodeId) -> Option<(NodeId, TransformId)> {
        if node == Self::ROOT {
            return None;
        }
        self.nodes.get(node.0 as usize).map(|&(p, t, _)| (p, t))
    }

    /// The trigger classes of the chain leading to `node` (the union of its transformations'):
    /// a value holding none of them is left by the chain as it is, up to ASCII case.
    #[inline]
    pub fn triggers(&self, node: NodeId) -> Triggers {
        self.triggers
            .get(node.0 as usize)
            .copied()
            .unwrap_or(Triggers::from_bits(u32::MAX))
    }

    /// The exact classes of the chain leading to `node` (the union of its transformations'
    /// [`Triggers::exact`]): a value holding none of them is the chain's result, byte for byte.
    #[inline]
    pub fn exact(&self, node: NodeId) -> Triggers {
        self.exact
            .get(node.0 as usize)
            .copied()
            .unwrap_or(Triggers::from_bits(u32::MAX))
    }

    /// The exact classes of `node`'s own (last) transformation: a value holding none of them
    /// is what that step makes of it (the root's empty step changes nothing).
    #[inline]
    pub fn step_exact(&self, node: NodeId) -> Triggers {
        match self.step(node) {
            Some((_, t)) => t.exact_triggers(),
            None => Triggers::NONE,
        }
    }

    /// The number of transformations on the path to `node`.
    pub fn depth(&self, node: NodeId) -> u16 {
        self.nodes.get(node.0 as usize).map_or(0, |n| n.2)
    }

    /// The chain leading to `node`, root first.
    pub fn path(&self, node: NodeId) -> Vec<TransformId> {
        let mut out = Vec::new();
        let mut at = node;
        while let Some((p, t)) = self.step(at) {
            out.push(t);
            at = p;
        }
        out.reverse();
        out
    }

    /// The nodes on the path to `node`, root first (root included).
    pub fn path_nodes(&self, node: NodeId) -> Vec<NodeId> {
        let mut out = vec![node];
        let mut at = node;
        while let Some((p, _)) = self.step(at) {
            out.push(p);
            at = p;
        }
        out.reverse();
        out
    }

    /// The number of nodes, root included.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Always false: the root exists.
    pub fn is_empty(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_are_shared() {
        let mut t = ChainTrie::default();
        let a = t.intern(&[TransformId::UrlDecodeUni]);
        let b = t.intern(&[TransformId::UrlDecodeUni, TransformId::Lowercase]);
        assert_eq!(t.step(b), Some((a, TransformId::Lowercase)));
        assert_eq!(t.len(), 3);
        assert_eq!(
            t.path(b),
            vec![TransformId::UrlDecodeUni, TransformId::Lowercase]
        );
        assert_eq!(t.path_nodes(b), vec![ChainTrie::ROOT, a, b]);
        assert_eq!(t.intern(&[]), ChainTrie::ROOT);
        assert_eq!(t.depth(b), 2);
        assert_eq!(t.triggers(b), TransformId::UrlDecodeUni.triggers());
        assert_eq!(t.triggers(ChainTrie::ROOT), Triggers::NONE);
        assert_eq!(
            t.exact(b),
            TransformId::UrlDecodeUni
                .exact_triggers()
                .union(TransformId::Lowercase.exact_triggers())
        );
        assert_eq!(t.step_exact(b), TransformId::Lowercase.exact_triggers());
        assert_eq!(t.exact(ChainTrie::ROOT), Triggers::NONE);
    }
}
