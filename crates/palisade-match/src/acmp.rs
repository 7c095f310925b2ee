//! ModSecurity's own Aho-Corasick matcher (`src/utils/acmp.cc`), reproduced exactly, because
//! `@pm` and `@pmFromFile` decide with it and it is not textbook Aho-Corasick:
//!
//! - A node's failure link is only looked for among the children of its parent's failure
//!   node, falling back to the root: a phrase that would be found only by following the
//!   failure chain further is missed (`@pm abcd bx cz` does not match `abcz`).
//! - When a phrase ends inside a longer partial match (an "output" link), the reported text
//!   is the current node's text, not the phrase (`@pm abcd bc` on `abc` reports `abc`).
//! - Matching is ASCII case-insensitive; a node's text keeps the case of the first phrase that
//!   created it.
//! - Phrase bytes of 0x80 and above are read as negative `char`s and can never equal an input
//!   byte: phrases containing them never match.
//!
//! Matching is linear in the input (failure links strictly shorten the current match).

/// A letter as acmp stores it: pattern bytes ≥ 0x80 are negative and never match input.
type Letter = i16;

fn pattern_letter(b: u8) -> Letter {
    if b >= 0x80 {
        Letter::from(b as i8)
    } else {
        Letter::from(b.to_ascii_lowercase())
    }
}

fn input_letter(b: u8) -> Letter {
    Letter::from(b.to_ascii_lowercase())
}

/// A trie node while the matcher is built.
struct BuildNode {
    /// Children sorted by letter.
    children: Vec<(Letter, u32)>,
    fail: u32,
    is_last: bool,
    text_phrase: u32,
    text_len: u32,
}

impl BuildNode {
    fn child(&self, letter: Letter) -> Option<u32> {
        self.children
            .binary_search_by_key(&letter, |&(l, _)| l)
            .ok()
            .map(|i| self.children[i].1)
    }
}

/// A node of the built matcher; its children are `edges[first_edge..first_edge + edge_count]`
/// (one shared array instead of a vector per node: a third of the memory for CRS's data
/// files).
#[derive(Clone, Debug)]
struct Node {
    first_edge: u32,
    edge_count: u32,
    fail: u32,
    /// The node's text: `text_len` bytes of phrase `text_phrase`.
    text_phrase: u32,
    text_len: u32,
    /// The first phrase-ending node on the failure chain (acmp's `o_match`).
    has_output: bool,
    is_last: bool,
}

/// A compiled phrase set with acmp's exact behaviour.
#[derive(Clone, Debug)]
pub(crate) struct Acmp {
    nodes: Vec<Node>,
    /// Children of every node, sorted by letter within a node.
    edges: Vec<(Letter, u32)>,
    /// The root's children by input byte (`NO_CHILD` where none): the scan's most frequent
    /// lookup, since every failure chain ends at the root.
    root_next: Box<[u32; 256]>,
    phrases: Vec<Vec<u8>>,
}

const ROOT: u32 = 0;

/// No child in [`Acmp::root_next`].
const NO_CHILD: u32 = u32::MAX;

/// Child lists up to this length are searched linearly, longer ones by binary search.
const LINEAR_MAX: usize = 8;

impl Acmp {
    /// Builds the matcher from phrases in the order ModSecurity adds them. Empty phrases are
    /// ignored (acmp adds nothing for them).
    pub(crate) fn new(phrases: Vec<Vec<u8>>) -> Self {
        let mut nodes = vec![BuildNode {
            children: Vec::new(),
            fail: ROOT,
            is_last: false,
            text_phrase: 0,
            text_len: 0,
        }];
        for (pi, phrase) in phrases.iter().enumerate() {
            let mut parent = ROOT;
            for (i, &b) in phrase.iter().enumerate() {
                let letter = pattern_letter(b);
                let child = match nodes[parent as usize].child(letter) {
                    Some(c) => c,
                    None => {
                        let id = nodes.len() as u32;
                        nodes.push(BuildNode {
                            children: Vec::new(),
                            fail: ROOT,
                            is_last: false,
                            text_phrase: pi as u32,
                            text_len: (i + 1) as u32,
                        });
                        let kids = &mut nodes[parent as usize].children;
                        let at = kids.partition_point(|&(l, _)| l < letter);
                        kids.insert(at, (letter, id));
                        id
                    }
                };
                if i + 1 == phrase.len() {
                    nodes[child as usize].is_last = true;
                }
                parent = child;
            }
        }
        // Failure links, level by level, with acmp's one-step lookup.
        let mut level: Vec<(u32, u32)> = nodes[ROOT as usize]
            .children
            .iter()
            .map(|&(_, c)| (ROOT, c))
            .collect();
        let mut letters: Vec<Letter> = vec![0; nodes.len()];
        for node in &nodes {
            for &(l, c) in &node.children {
                letters[c as usize] = l;
            }
        }
        while !level.is_empty() {
            let mut next = Vec::new();
            for &(parent, node) in &level {
                let fail = if parent == ROOT {
                    ROOT
                } else {
                    let pf = nodes[parent as usize].fail;
                    nodes[pf as usize]
                        .child(letters[node as usize])
                        .unwrap_or(ROOT)
                };
                nodes[node as usize].fail = fail;
                next.extend(
                    nodes[node as usize]
                        .children
                        .iter()
                        .map(|&(_, c)| (node, c)),
                );
            }
            level = next;
        }
        // Output links: the first phrase end on the failure chain, root excluded; children
        // moved into one array.
        let mut built = Vec::with_capacity(nodes.len());
        let mut edges = Vec::with_capacity(nodes.len().saturating_sub(1));
        for (id, node) in nodes.iter().enumerate() {
            let mut has_output = false;
            if id != ROOT as usize {
                let mut om = node.fail;
                while om != ROOT {
                    if nodes[om as usize].is_last {
                        has_output = true;
                        break;
                    }
                    om = nodes[om as usize].fail;
                }
            }
            built.push(Node {
                first_edge: edges.len() as u32,
                edge_count: node.children.len() as u32,
                fail: node.fail,
                text_phrase: node.text_phrase,
                text_len: node.text_len,
                has_output,
                is_last: node.is_last,
            });
            edges.extend_from_slice(&node.children);
        }
        let mut root_next = Box::new([NO_CHILD; 256]);
        for (b, slot) in root_next.iter_mut().enumerate() {
            if let Some(c) = nodes[ROOT as usize].child(input_letter(b as u8)) {
                *slot = c;
            }
        }
        Acmp {
            nodes: built,
            edges,
            root_next,
            phrases,
        }
    }

    /// The child of `node` for input byte `b` (whose letter is `letter`).
    #[inline]
    fn child(&self, node: u32, b: u8, letter: Letter) -> Option<u32> {
        if node == ROOT {
            let c = self.root_next[usize::from(b)];
            return (c != NO_CHILD).then_some(c);
        }
        let n = &self.nodes[node as usize];
        let kids = self
            .edges
            .get(n.first_edge as usize..(n.first_edge + n.edge_count) as usize)
            .unwrap_or(&[]);
        if kids.len() <= LINEAR_MAX {
            // Sorted: stop at the first letter not below the one sought.
            for &(l, c) in kids {
                if l >= letter {
                    return (l == letter).then_some(c);
                }
            }
            return None;
        }
        kids.binary_search_by_key(&letter, |&(l, _)| l)
            .ok()
            .map(|i| kids[i].1)
    }

    /// The phrases, as given.
    pub(crate) fn phrases(&self) -> &[Vec<u8>] {
        &self.phrases
    }

    fn text(&self, node: u32) -> &[u8] {
        let n = &self.nodes[node as usize];
        let text = &self.phrases[n.text_phrase as usize][..n.text_len as usize];
        // ModSecurity copies the text into a std::string from a C string.
        &text[..memchr::memchr(0, text).unwrap_or(text.len())]
    }

    /// `acmp_process_quick`: the text ModSecurity reports for the first match, if any.
    pub(crate) fn find(&self, input: &[u8]) -> Option<&[u8]> {
        let mut node = ROOT;
        for &b in input {
            let letter = input_letter(b);
            let mut go_to;
            loop {
                go_to = self.child(node, b, letter);
                if let Some(g) = go_to
                    && self.nodes[g as usize].is_last
                {
                    return Some(self.text(g));
                }
                if node == ROOT {
                    break;
                }
                match go_to {
                    None => node = self.nodes[node as usize].fail,
                    Some(_) => break,
                }
            }
            if let Some(g) = go_to {
                node = g;
            }
            if self.nodes[node as usize].has_output {
                return Some(self.text(node));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acmp(phrases: &[&str]) -> Acmp {
        Acmp::new(phrases.iter().map(|p| p.as_bytes().to_vec()).collect())
    }

    /// The scan as it was before the root table and linear search: binary search everywhere.
    fn find_reference<'a>(a: &'a Acmp, input: &[u8]) -> Option<&'a [u8]> {
        let child = |node: u32, letter: Letter| {
            let n = &a.nodes[node as usize];
            let kids = &a.edges[n.first_edge as usize..(n.first_edge + n.edge_count) as usize];
            kids.binary_search_by_key(&letter, |&(l, _)| l)
                .ok()
                .map(|i| kids[i].1)
        };
        let mut node = ROOT;
        for &b in input {
            let letter = input_letter(b);
            let mut go_to;
            loop {
                go_to = child(node, letter);
                if let Some(g) = go_to
                    && a.nodes[g as usize].is_last
                {
                    return Some(a.text(g));
                }
                if node == ROOT {
                    break;
                }
                match go_to {
                    None => node = a.nodes[node as usize].fail,
                    Some(_) => break,
                }
            }
            if let Some(g) = go_to {
                node = g;
            }
            if a.nodes[node as usize].has_output {
                return Some(a.text(node));
            }
        }
        None
    }

    fn byte() -> impl proptest::strategy::Strategy<Value = u8> {
        proptest::prop_oneof![
            proptest::sample::select(b"abcAB.\xe9\x00".to_vec()),
            proptest::num::u8::ANY,
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2048))]
        #[test]
        fn scan_equals_binary_search_scan(
            phrases in proptest::collection::vec(proptest::collection::vec(byte(), 0..5), 0..40),
            input in proptest::collection::vec(byte(), 0..40),
        ) {
            let a = Acmp::new(phrases);
            proptest::prop_assert_eq!(a.find(&input), find_reference(&a, &input));
        }
    }

    #[test]
    fn long_child_lists_use_binary_search_correctly() {
        // The root and "x" both get more than LINEAR_MAX children.
        let phrases: Vec<String> = (b'a'..=b'w')
            .map(|c| format!("{}", c as char))
            .chain((b'a'..=b'z').map(|c| format!("x{}q", c as char)))
            .collect();
        let refs: Vec<&str> = phrases.iter().map(String::as_str).collect();
        let a = acmp(&refs);
        assert_eq!(a.find(b"XZQ"), Some(&b"xzq"[..]));
        assert_eq!(a.find(b"--m"), Some(&b"m"[..]));
        assert_eq!(a.find(b"xz\xe9"), find_reference(&a, b"xz\xe9"));
    }

    #[test]
    fn reproduces_modsecurity_quirks() {
        // Checked against libmodsecurity 3.0.9.
        assert_eq!(acmp(&["abcd", "bx", "cz"]).find(b"abcz"), None);
        assert_eq!(acmp(&["abcd", "bc"]).find(b"xabc"), Some(&b"abc"[..]));
        assert_eq!(acmp(&["SELECT"]).find(b"x select"), Some(&b"SELECT"[..]));
        assert_eq!(acmp(&["caf\u{e9}"]).find("caf\u{e9}".as_bytes()), None);
        assert_eq!(acmp(&["abc", "def"]).find(b"xxdefxx"), Some(&b"def"[..]));
        assert_eq!(acmp(&[]).find(b"anything"), None);
    }
}
