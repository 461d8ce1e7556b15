//! The YAML tree of one spec, with a byte range for every key and value, built from
//! saphyr-parser's event stream. Editor features (completion, hover) and the rules walk it;
//! nothing here knows about compute types.
//!
//! saphyr's markers count characters, not bytes, so every marker goes through
//! [`CharToByte`] before it becomes a [`TextRange`].

use crate::line_index::line_start;
use crate::yaml11::{self, Resolved};
use crate::TextRange;
use saphyr_parser::{Event, Parser, ScanError};

/// Deepest nesting of mappings and sequences accepted; deeper input is refused (no stack
/// exhaustion later when the tree is walked or dropped).
pub const MAX_DEPTH: usize = 64;
/// Largest text analysed, in bytes.
pub const MAX_FILE_BYTES: usize = 16 * 1024 * 1024;
/// Largest number of nodes alias expansion may produce (stops "billion laughs").
pub const MAX_ALIAS_EXPANSION: usize = 100_000;

/// How a scalar was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

impl ScalarStyle {
    pub fn is_quoted(self) -> bool {
        matches!(self, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted)
    }
}

/// A scalar: its content after unescaping, how it was written, and what PyYAML makes of it.
#[derive(Clone, Debug, PartialEq)]
pub struct Scalar {
    /// The scalar's content (quotes removed, escapes applied, block scalars folded).
    pub text: String,
    pub style: ScalarStyle,
    /// PyYAML's resolution: plain scalars by the YAML 1.1 rules, everything else a string
    /// (or what an explicit `!!tag` says).
    pub resolved: Resolved,
    /// An explicit tag such as `tag:yaml.org,2002:str` or `!custom`.
    pub tag: Option<String>,
}

impl Scalar {
    /// The string the CLI sees, if PyYAML loads this scalar as a string.
    pub fn as_str(&self) -> Option<&str> {
        matches!(self.resolved, Resolved::Str).then_some(self.text.as_str())
    }
}

/// One `key: value` pair of a mapping.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: Node,
    pub value: Node,
}

impl Entry {
    /// The key's text when the key is a scalar (as written, not resolved).
    pub fn key_text(&self) -> Option<&str> {
        match &self.key.kind {
            NodeKind::Scalar(s) => Some(&s.text),
            _ => None,
        }
    }

    /// Range from the start of the key to the end of the value.
    pub fn range(&self) -> TextRange {
        TextRange::new(self.key.range.start, self.value.range.end.max(self.key.range.end))
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    Mapping(Vec<Entry>),
    Sequence(Vec<Node>),
    Scalar(Scalar),
    /// `*name`: refers to the node anchored with the same id (see [`Document::anchor`]).
    Alias(usize),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    /// Byte range of the node's text. For a block mapping it runs from its first key to the
    /// end of its last value; for a flow collection it includes the brackets.
    pub range: TextRange,
    /// Anchor id when the node carries `&name` (0 = none).
    pub anchor: usize,
    /// Whether the collection was written in flow style (`{…}` / `[…]`).
    pub flow: bool,
}

impl Node {
    /// Ends a block collection where its last child ends, so the range does not run on over the blank lines and
    /// comments the parser's end event includes.
    pub(crate) fn end_at_last_child(&mut self) {
        let last_end = match &self.kind {
            NodeKind::Mapping(entries) => entries.last().map(|e| e.range().end),
            NodeKind::Sequence(items) => items.last().map(|n| n.range.end),
            _ => None,
        };
        if let Some(end) = last_end {
            self.range.end = end.max(self.range.start);
        }
    }

    pub fn as_mapping(&self) -> Option<&[Entry]> {
        match &self.kind {
            NodeKind::Mapping(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn as_sequence(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Sequence(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.kind {
            NodeKind::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The value string if this node is a scalar PyYAML loads as a string.
    pub fn as_str(&self) -> Option<&str> {
        self.as_scalar()?.as_str()
    }

    /// The entry whose key's text is `key` (the last one when duplicated, as PyYAML keeps).
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.as_mapping()?.iter().rev().find(|e| e.key_text() == Some(key))
    }

    /// The value under `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    /// A short name of the node's YAML kind, for messages.
    pub fn kind_name(&self) -> &'static str {
        match &self.kind {
            NodeKind::Mapping(_) => "mapping",
            NodeKind::Sequence(_) => "list",
            NodeKind::Scalar(s) => match s.resolved {
                Resolved::Null => "null",
                Resolved::Bool(_) => "boolean",
                Resolved::Int(_) => "integer",
                Resolved::Float(_) => "number",
                Resolved::Timestamp => "date",
                Resolved::Str | Resolved::Invalid(_) => "string",
            },
            NodeKind::Alias(_) => "alias",
        }
    }
}

/// One step of a path from the root to a node.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PathSegment {
    Key(String),
    Index(usize),
}

impl std::fmt::Display for PathSegment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PathSegment::Key(k) => f.write_str(k),
            PathSegment::Index(i) => write!(f, "{i}"),
        }
    }
}

/// A step of a path borrowed from a tree or a path (a walk over every value copies no key); turned into
/// [`PathSegment`]s only for what it reports.
#[derive(Clone, Copy, Debug)]
pub(crate) enum StepRef<'a> {
    Key(&'a str),
    Index(usize),
}

impl<'a> StepRef<'a> {
    /// The borrowed steps of an owned path.
    pub(crate) fn of(path: &'a [PathSegment]) -> Vec<StepRef<'a>> {
        path.iter()
            .map(|s| match s {
                PathSegment::Key(k) => StepRef::Key(k),
                PathSegment::Index(i) => StepRef::Index(*i),
            })
            .collect()
    }

    /// The owned path of borrowed steps.
    pub(crate) fn owned(steps: &[StepRef<'_>]) -> Vec<PathSegment> {
        steps
            .iter()
            .map(|s| match s {
                StepRef::Key(k) => PathSegment::Key((*k).to_string()),
                StepRef::Index(i) => PathSegment::Index(*i),
            })
            .collect()
    }
}

/// Renders a path in the dotted form the CLI uses (`identity.user_assigned_identities.0`).
pub fn dotted(path: &[PathSegment]) -> String {
    let mut out = String::new();
    for (i, seg) in path.iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        out.push_str(&seg.to_string());
    }
    out
}

/// What lies at an offset: the path to the innermost node and whether the offset is on a key.
#[derive(Clone, Debug, PartialEq)]
pub struct Location<'a> {
    /// Path of the innermost node containing the offset (for a key: the path of its value).
    pub path: Vec<PathSegment>,
    pub node: &'a Node,
    /// The offset is on a mapping key (`path` then ends with that key).
    pub on_key: bool,
    /// The mapping that contains the key or value, if any.
    pub parent: Option<&'a Node>,
}

/// A parsed YAML document.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    pub root: Node,
    /// Nodes that carry an anchor, by anchor id, as they were defined.
    pub anchors: Vec<(usize, Node)>,
}

impl Document {
    /// The node an alias refers to.
    pub fn anchor(&self, id: usize) -> Option<&Node> {
        self.anchors.iter().find(|(a, _)| *a == id).map(|(_, n)| n)
    }

    /// Follows an alias to its anchored node; any other node is returned as is.
    pub fn deref<'a>(&'a self, node: &'a Node) -> &'a Node {
        let mut node = node;
        for _ in 0..8 {
            match node.kind {
                NodeKind::Alias(id) => match self.anchor(id) {
                    Some(target) => node = target,
                    None => return node,
                },
                _ => return node,
            }
        }
        node
    }

    /// The node at a path, following aliases. Returns the deepest node found and how many
    /// segments matched, so callers can fall back to the nearest existing ancestor.
    pub fn lookup_partial(&self, path: &[PathSegment]) -> (&Node, usize) {
        let mut node = &self.root;
        for (i, seg) in path.iter().enumerate() {
            let current = self.deref(node);
            let next = match (seg, &current.kind) {
                (PathSegment::Key(k), NodeKind::Mapping(entries)) => {
                    entries.iter().rev().find(|e| key_matches(&e.key, k)).map(|e| &e.value)
                }
                (PathSegment::Index(idx), NodeKind::Sequence(items)) => items.get(*idx),
                _ => None,
            };
            match next {
                Some(n) => node = n,
                None => return (node, i),
            }
        }
        (node, path.len())
    }

    pub fn lookup(&self, path: &[PathSegment]) -> Option<&Node> {
        let (node, depth) = self.lookup_partial(path);
        (depth == path.len()).then_some(node)
    }

    /// The mapping entry (key and value) at a path whose last segment is a key.
    pub fn entry_at(&self, path: &[PathSegment]) -> Option<&Entry> {
        let (last, parent_path) = path.split_last()?;
        let PathSegment::Key(k) = last else { return None };
        let parent = self.deref(self.lookup(parent_path)?);
        parent.as_mapping()?.iter().rev().find(|e| key_matches(&e.key, k))
    }

    /// The innermost node that contains `offset` (inclusive of its end).
    pub fn node_at(&self, offset: u32) -> Option<&Node> {
        self.path_at(offset).map(|l| l.node)
    }

    /// Path and node at `offset`, for completion and hover.
    pub fn path_at(&self, offset: u32) -> Option<Location<'_>> {
        let mut path = Vec::new();
        let mut node = &self.root;
        let mut parent = None;
        if !node.range.contains_inclusive(offset) {
            return None;
        }
        loop {
            match &node.kind {
                NodeKind::Mapping(entries) => {
                    let mut next = None;
                    for e in entries {
                        if e.key.range.contains_inclusive(offset) && !e.key.range.is_empty() {
                            path.push(PathSegment::Key(key_string(&e.key)));
                            return Some(Location { path, node: &e.key, on_key: true, parent: Some(node) });
                        }
                        if e.value.range.contains_inclusive(offset) && !e.value.range.is_empty() {
                            next = Some((PathSegment::Key(key_string(&e.key)), &e.value));
                            break;
                        }
                    }
                    match next {
                        Some((seg, child)) => {
                            path.push(seg);
                            parent = Some(node);
                            node = child;
                        }
                        None => return Some(Location { path, node, on_key: false, parent }),
                    }
                }
                NodeKind::Sequence(items) => {
                    match items
                        .iter()
                        .enumerate()
                        .find(|(_, n)| n.range.contains_inclusive(offset) && !n.range.is_empty())
                    {
                        Some((i, child)) => {
                            path.push(PathSegment::Index(i));
                            parent = Some(node);
                            node = child;
                        }
                        None => return Some(Location { path, node, on_key: false, parent }),
                    }
                }
                _ => return Some(Location { path, node, on_key: false, parent }),
            }
        }
    }
}

/// The key as the CLI sees it: PyYAML's value, printed the way Python prints it.
pub fn key_string(key: &Node) -> String {
    match &key.kind {
        NodeKind::Scalar(s) => match &s.resolved {
            Resolved::Null => "None".to_string(),
            Resolved::Bool(b) => if *b { "True" } else { "False" }.to_string(),
            Resolved::Int(i) => i.to_string(),
            Resolved::Float(f) => format!("{f:?}"),
            _ => s.text.clone(),
        },
        NodeKind::Mapping(_) => "{…}".to_string(),
        NodeKind::Sequence(_) => "[…]".to_string(),
        NodeKind::Alias(_) => "*alias".to_string(),
    }
}

fn key_matches(key: &Node, k: &str) -> bool {
    match &key.kind {
        NodeKind::Scalar(s) if matches!(s.resolved, Resolved::Str) => s.text == k,
        NodeKind::Scalar(_) => key_string(key) == k,
        _ => false,
    }
}

/// A problem found while parsing, before any compute rule runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub kind: SyntaxErrorKind,
    pub message: String,
    pub range: TextRange,
    /// For a duplicate key: the range of the first occurrence's whole entry.
    pub related: Option<TextRange>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyntaxErrorKind {
    /// Any scanner or parser error that has no more specific kind.
    Syntax,
    Tab,
    UnterminatedQuote,
    BadIndentation,
    DuplicateKey,
    MultipleDocuments,
    Empty,
    NotAMapping,
    Limit,
    /// A value PyYAML cannot construct (unknown tag, `=`, non-scalar key).
    Unloadable,
}

/// A note that is not an error: YAML 1.1 and 1.2 disagree on a plain scalar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Yaml12Note {
    pub range: TextRange,
    pub message: String,
}

/// Parse output: the document (when the text parsed), the errors and the 1.1/1.2 notes.
#[derive(Clone, Debug, Default)]
pub struct Parsed {
    pub document: Option<Document>,
    pub errors: Vec<SyntaxError>,
    pub notes: Vec<Yaml12Note>,
    /// The document stops at a syntax error: it holds what was read before the error (for
    /// completion and hover while the user types), but no rule should judge it.
    pub partial: bool,
}

/// Maps saphyr's character indices to byte offsets.
struct CharToByte {
    /// Byte offset of each char index; empty when the text is ASCII (identity mapping).
    table: Vec<u32>,
    len: u32,
}

impl CharToByte {
    fn new(text: &str) -> Self {
        let table = if text.is_ascii() {
            Vec::new()
        } else {
            let mut t: Vec<u32> = text.char_indices().map(|(i, _)| i as u32).collect();
            t.push(text.len() as u32);
            t
        };
        CharToByte { table, len: text.len() as u32 }
    }

    fn byte(&self, char_index: usize) -> u32 {
        if self.table.is_empty() {
            (char_index as u32).min(self.len)
        } else {
            self.table.get(char_index).copied().unwrap_or(self.len)
        }
    }
}

/// Duplicate detection for one mapping: a short mapping is scanned in place (no allocation per
/// key); once it grows, a hash index of first occurrences takes over (a spec's `tags` can hold
/// thousands of keys).
#[derive(Default)]
struct KeySet {
    index: Option<std::collections::HashMap<String, TextRange>>,
}

impl KeySet {
    /// The range of the first key named `name` among `entries`.
    fn first(&self, entries: &[Entry], name: &str) -> Option<TextRange> {
        match &self.index {
            Some(map) => map.get(name).copied(),
            None => entries.iter().find(|e| key_name(&e.key) == name).map(|e| e.key.range),
        }
    }

    /// Records a key about to be appended to `entries`.
    fn insert(&mut self, entries: &[Entry], name: &str, range: TextRange) {
        match &mut self.index {
            Some(map) if !map.contains_key(name) => {
                map.insert(name.to_string(), range);
            }
            Some(_) => {}
            None if entries.len() >= 16 => {
                let mut map = std::collections::HashMap::with_capacity(entries.len() * 2);
                for e in entries {
                    map.entry(key_name(&e.key).into_owned()).or_insert(e.key.range);
                }
                map.entry(name.to_string()).or_insert(range);
                self.index = Some(map);
            }
            None => {}
        }
    }
}

/// [`key_string`] without an allocation for the usual string key.
pub(crate) fn key_name(key: &Node) -> std::borrow::Cow<'_, str> {
    match &key.kind {
        NodeKind::Scalar(s) if matches!(s.resolved, Resolved::Str | Resolved::Timestamp | Resolved::Invalid(_)) => {
            std::borrow::Cow::Borrowed(s.text.as_str())
        }
        _ => std::borrow::Cow::Owned(key_string(key)),
    }
}

enum Frame {
    Mapping { node: Node, pending_key: Option<Node>, keys: KeySet },
    Sequence { node: Node },
}

/// Parses one YAML text into a [`Document`] with byte ranges.
pub fn parse(text: &str) -> Parsed {
    let mut out = Parsed::default();
    if text.len() > MAX_FILE_BYTES {
        out.errors.push(SyntaxError {
            kind: SyntaxErrorKind::Limit,
            message: format!(
                "the file is {} bytes; amlc analyses compute specs up to {} bytes",
                text.len(),
                MAX_FILE_BYTES
            ),
            range: TextRange::empty(0),
            related: None,
        });
        return out;
    }
    if let Some(error) = unprintable(text) {
        out.errors.push(error);
    }
    let map = CharToByte::new(text);
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut root: Option<Node> = None;
    let mut anchors: Vec<(usize, Node)> = Vec::new();
    let mut documents = 0usize;
    let mut stopped = false;
    let mut recoverable = false;

    while let Some(event) = parser.next_event() {
        let (event, span) = match event {
            Ok(ev) => ev,
            Err(err) => {
                out.errors.push(scan_error(text, &map, &err));
                stopped = true;
                recoverable = true;
                break;
            }
        };
        let start = map.byte(span.start.index());
        let end = map.byte(span.end.index()).max(start);
        match event {
            Event::StreamStart | Event::Nothing | Event::DocumentEnd => {}
            Event::StreamEnd => break,
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    out.errors.push(SyntaxError {
                        kind: SyntaxErrorKind::MultipleDocuments,
                        message: "a second YAML document starts here; a compute spec is one document, so remove the `---` and everything after it, or move it to its own file".into(),
                        range: TextRange::new(start, end.max(start + 3).min(text.len() as u32)),
                        related: None,
                    });
                    stopped = true;
                    break;
                }
            }
            Event::MappingStart(anchor, tag) | Event::SequenceStart(anchor, tag) if stack.len() >= MAX_DEPTH => {
                let _ = (anchor, tag);
                out.errors.push(SyntaxError {
                    kind: SyntaxErrorKind::Limit,
                    message: format!("nesting deeper than {MAX_DEPTH} levels; a compute spec never needs this much"),
                    range: TextRange::new(start, end),
                    related: None,
                });
                stopped = true;
                break;
            }
            Event::MappingStart(anchor, tag) => {
                if let Some(t) = tag.as_ref().map(|t| tag_string(t)) {
                    if !is_known_collection_tag(&t, true) {
                        out.errors.push(unloadable_tag(&t, start, end));
                    }
                }
                let flow = end > start;
                stack.push(Frame::Mapping {
                    node: Node { kind: NodeKind::Mapping(Vec::new()), range: TextRange::new(start, end), anchor, flow },
                    pending_key: None,
                    keys: KeySet::default(),
                });
            }
            Event::SequenceStart(anchor, tag) => {
                if let Some(t) = tag.as_ref().map(|t| tag_string(t)) {
                    if !is_known_collection_tag(&t, false) {
                        out.errors.push(unloadable_tag(&t, start, end));
                    }
                }
                let flow = end > start;
                stack.push(Frame::Sequence {
                    node: Node {
                        kind: NodeKind::Sequence(Vec::new()),
                        range: TextRange::new(start, end),
                        anchor,
                        flow,
                    },
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                let Some(frame) = stack.pop() else { continue };
                let mut node = match frame {
                    Frame::Mapping { node, .. } | Frame::Sequence { node } => node,
                };
                if node.flow {
                    // The end event's span starts at the closing bracket (one byte) and may run
                    // on over trailing blanks and comments; keep only the bracket.
                    node.range.end = (start + 1).min(text.len() as u32).max(node.range.start);
                } else {
                    node.end_at_last_child();
                }
                attach(node, &mut stack, &mut root, &mut anchors, &mut out.errors, text);
            }
            Event::Scalar(value, style, anchor, tag) => {
                let style = match style {
                    saphyr_parser::ScalarStyle::Plain => ScalarStyle::Plain,
                    saphyr_parser::ScalarStyle::SingleQuoted => ScalarStyle::SingleQuoted,
                    saphyr_parser::ScalarStyle::DoubleQuoted => ScalarStyle::DoubleQuoted,
                    saphyr_parser::ScalarStyle::Literal => ScalarStyle::Literal,
                    saphyr_parser::ScalarStyle::Folded => ScalarStyle::Folded,
                };
                let tag = tag.as_ref().map(|t| tag_string(t));
                // The parser's span of a quoted scalar may run on over a trailing comment.
                let end = if style.is_quoted() { closing_quote(text, start, end).unwrap_or(end) } else { end };
                let range = TextRange::new(start, end);
                let resolved = match &tag {
                    Some(t) => match resolve_tagged(t, &value) {
                        Some(r) => r,
                        None => {
                            out.errors.push(unloadable_tag(t, start, end));
                            Resolved::Str
                        }
                    },
                    None if style == ScalarStyle::Plain => {
                        let r = yaml11::resolve_plain(&value);
                        if let Resolved::Invalid(why) = r {
                            out.errors.push(SyntaxError {
                                kind: SyntaxErrorKind::Unloadable,
                                message: why.to_string(),
                                range,
                                related: None,
                            });
                        } else if !value.is_empty() {
                            if let Some(message) = yaml11::yaml12_disagreement(&value, &r) {
                                out.notes.push(Yaml12Note { range, message });
                            }
                        }
                        r
                    }
                    None => Resolved::Str,
                };
                let node = Node {
                    kind: NodeKind::Scalar(Scalar { text: value.into_owned(), style, resolved, tag }),
                    range,
                    anchor,
                    flow: false,
                };
                attach(node, &mut stack, &mut root, &mut anchors, &mut out.errors, text);
            }
            Event::Alias(id) => {
                let node =
                    Node { kind: NodeKind::Alias(id), range: TextRange::new(start, end), anchor: 0, flow: false };
                attach(node, &mut stack, &mut root, &mut anchors, &mut out.errors, text);
            }
        }
    }

    if stopped {
        if recoverable {
            // Close what is still open so editors get the tree up to the error.
            while let Some(frame) = stack.pop() {
                let node = match frame {
                    Frame::Mapping { mut node, pending_key: Some(key), .. } => {
                        let at = key.range.end;
                        let null = Node {
                            kind: NodeKind::Scalar(Scalar {
                                text: String::new(),
                                style: ScalarStyle::Plain,
                                resolved: Resolved::Null,
                                tag: None,
                            }),
                            range: TextRange::empty(at),
                            anchor: 0,
                            flow: false,
                        };
                        if let NodeKind::Mapping(entries) = &mut node.kind {
                            if entries.is_empty() && !node.flow {
                                node.range.start = key.range.start;
                            }
                            entries.push(Entry { key, value: null });
                        }
                        node
                    }
                    Frame::Mapping { node, .. } | Frame::Sequence { node } => node,
                };
                let mut node = node;
                node.end_at_last_child();
                let mut ignored = Vec::new();
                attach(node, &mut stack, &mut root, &mut anchors, &mut ignored, text);
            }
            if let Some(root) = root {
                out.document = Some(Document { root, anchors });
                out.partial = true;
            }
        }
        return out;
    }
    match root {
        None => out.errors.push(SyntaxError {
            kind: SyntaxErrorKind::Empty,
            message: "the file holds no YAML document; a compute spec needs at least `type` and `name`".into(),
            range: TextRange::empty(0),
            related: None,
        }),
        Some(root) => {
            if root.as_mapping().is_none() {
                let what = root.kind_name();
                out.errors.push(SyntaxError {
                    kind: SyntaxErrorKind::NotAMapping,
                    message: format!(
                        "the top level is a {what}; a compute spec is a mapping of keys such as `type:` and `name:`"
                    ),
                    range: root.range,
                    related: None,
                });
            }
            out.document = Some(Document { root, anchors });
        }
    }
    out
}

/// The offset just past the quote that closes the quoted scalar starting at `start` (at its
/// opening quote, after any tag or anchor), searched no further than `end`.
fn closing_quote(text: &str, start: u32, end: u32) -> Option<u32> {
    let bytes = text.as_bytes().get(start as usize..end as usize)?;
    let open = bytes.iter().position(|b| *b == b'"' || *b == b'\'')?;
    let quote = bytes[open];
    let mut i = open + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            b if b == quote && quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            b if b == quote => return Some(start + i as u32 + 1),
            _ => i += 1,
        }
    }
    None
}

fn tag_string(tag: &saphyr_parser::Tag) -> String {
    format!("{}{}", tag.handle, tag.suffix)
}

fn is_known_collection_tag(t: &str, mapping: bool) -> bool {
    if mapping {
        matches!(t, "tag:yaml.org,2002:map" | "!!map")
    } else {
        matches!(t, "tag:yaml.org,2002:seq" | "!!seq")
    }
}

fn unloadable_tag(t: &str, start: u32, end: u32) -> SyntaxError {
    SyntaxError {
        kind: SyntaxErrorKind::Unloadable,
        message: format!("the Azure ML CLI's YAML loader cannot build a value tagged `{t}`; remove the tag"),
        range: TextRange::new(start, end),
        related: None,
    }
}

/// Resolves an explicitly tagged scalar as PyYAML's SafeLoader would; `None` if it cannot.
fn resolve_tagged(tag: &str, value: &str) -> Option<Resolved> {
    let suffix = tag.strip_prefix("tag:yaml.org,2002:").or_else(|| tag.strip_prefix("!!"))?;
    match suffix {
        "str" => Some(Resolved::Str),
        "null" => Some(Resolved::Null),
        "bool" => match yaml11::resolve_plain(value) {
            r @ Resolved::Bool(_) => Some(r),
            _ => None,
        },
        "int" => match yaml11::resolve_plain(value) {
            r @ Resolved::Int(_) => Some(r),
            _ => None,
        },
        "float" => match yaml11::resolve_plain(value) {
            r @ Resolved::Float(_) => Some(r),
            Resolved::Int(i) => Some(Resolved::Float(i as f64)),
            _ => None,
        },
        "timestamp" => Some(Resolved::Timestamp),
        _ => None,
    }
}

fn attach(
    node: Node,
    stack: &mut [Frame],
    root: &mut Option<Node>,
    anchors: &mut Vec<(usize, Node)>,
    errors: &mut Vec<SyntaxError>,
    text: &str,
) {
    if node.anchor != 0 {
        anchors.retain(|(a, _)| *a != node.anchor);
        anchors.push((node.anchor, node.clone()));
    }
    match stack.last_mut() {
        None => {
            if root.is_none() {
                *root = Some(node);
            }
        }
        Some(Frame::Sequence { node: seq }) => {
            if let NodeKind::Sequence(items) = &mut seq.kind {
                items.push(node);
            }
        }
        Some(Frame::Mapping { node: map, pending_key, keys }) => match pending_key.take() {
            None => {
                if !matches!(node.kind, NodeKind::Scalar(_) | NodeKind::Alias(_)) {
                    errors.push(SyntaxError {
                        kind: SyntaxErrorKind::Unloadable,
                        message: "a list or mapping used as a key cannot be loaded by the Azure ML CLI; keys must be plain names".into(),
                        range: node.range,
                        related: None,
                    });
                }
                *pending_key = Some(node);
            }
            Some(key) => {
                let entries: &[Entry] = match &map.kind {
                    NodeKind::Mapping(entries) => entries,
                    _ => &[],
                };
                let name = key_name(&key);
                if let Some(first) = keys.first(entries, &name) {
                    let first_line = 1 + text.get(..first.start as usize).map_or(0, |t| t.matches('\n').count());
                    errors.push(SyntaxError {
                        kind: SyntaxErrorKind::DuplicateKey,
                        message: format!(
                            "duplicate key `{name}` (first on line {first_line}): the CLI keeps only this last value and silently drops the first; remove one of them"
                        ),
                        range: key.range,
                        related: Some(first),
                    });
                }
                keys.insert(entries, &name, key.range);
                drop(name);
                if let NodeKind::Mapping(entries) = &mut map.kind {
                    if entries.is_empty() && !map.flow {
                        map.range.start = key.range.start;
                    }
                    entries.push(Entry { key, value: node });
                }
            }
        },
    }
}

/// Turns a saphyr scan error into a positioned error with a message that says what to do.
fn scan_error(text: &str, map: &CharToByte, err: &ScanError) -> SyntaxError {
    let at = map.byte(err.marker().index()).min(text.len() as u32);
    let info = err.info();
    let line_end = |from: u32| crate::line_index::line_end(text, from);
    // A tab in indentation: find the tab itself, which the scanner may report elsewhere.
    if info.contains("tab") {
        if let Some(tab) = find_indent_tab(text, at) {
            return SyntaxError {
                kind: SyntaxErrorKind::Tab,
                message: "a tab is used for indentation; YAML allows only spaces there, so replace it with spaces"
                    .into(),
                range: TextRange::new(tab, tab + 1),
                related: None,
            };
        }
    }
    if info.contains("recursion limit") {
        return SyntaxError {
            kind: SyntaxErrorKind::Limit,
            message: format!("nesting deeper than {MAX_DEPTH} levels; a compute spec never needs this much"),
            range: TextRange::empty(at),
            related: None,
        };
    }
    // A bad escape (`\ud800`, `\q`) in a closed string is not an unclosed string: name the escape.
    if info.contains("escape") || info.contains("hexadecimal") {
        if let Some((start, end)) = bad_escape(text, at as usize) {
            let escape = &text[start..end];
            let message = if matches!(escape.as_bytes().get(1), Some(b'u' | b'U' | b'x')) {
                format!("`{escape}` is not a character (a lone surrogate like `\\ud800` is half of a UTF-16 pair, which no UTF-8 text and no request to the service can carry); write the character itself, or the full pair as one `\\U` escape")
            } else {
                format!("unknown escape `{escape}` in a double-quoted string; write `\\\\` for a backslash, or use single quotes")
            };
            return SyntaxError {
                kind: SyntaxErrorKind::Syntax,
                message,
                range: TextRange::new(start as u32, end as u32),
                related: None,
            };
        }
    }
    if info.contains("quoted scalar") {
        // The marker points at or inside the string; find its opening quote on this line or before.
        let quote =
            text.get(..(at as usize + 1).min(text.len())).and_then(|t| t.rfind(['"', '\''])).unwrap_or(at as usize)
                as u32;
        return SyntaxError {
            kind: SyntaxErrorKind::UnterminatedQuote,
            message: "this quoted string is never closed; add the closing quote at the end of the value".into(),
            range: TextRange::new(quote, line_end(quote).max(quote)),
            related: None,
        };
    }
    if let Some(tab) = find_indent_tab(text, at) {
        return SyntaxError {
            kind: SyntaxErrorKind::Tab,
            message: "a tab is used for indentation; YAML allows only spaces there, so replace it with spaces".into(),
            range: TextRange::new(tab, tab + 1),
            related: None,
        };
    }
    let (kind, message) = if info.contains("mapping values are not allowed")
        || info.contains("did not find expected key")
        || info.contains("invalid indentation")
        || info.contains("unexpected indentation")
    {
        (
            SyntaxErrorKind::BadIndentation,
            format!(
                "bad indentation or a stray `:` ({info}): keys of one mapping must start in the same column, and a value containing `: ` must be quoted"
            ),
        )
    } else {
        (SyntaxErrorKind::Syntax, format!("YAML syntax error: {info}"))
    };
    // Point at the token on the offending line, not a whole line.
    let line_start = line_start(text, at);
    let start =
        if kind == SyntaxErrorKind::BadIndentation { line_start.max(first_non_space(text, line_start)) } else { at };
    let end = line_end(start).max(start);
    SyntaxError { kind, message, range: TextRange::new(start.min(end), end), related: None }
}

/// The first character PyYAML's reader refuses anywhere in a stream (control characters other than tab and
/// line breaks, DEL, C1 controls but NEL, U+FFFE and U+FFFF): the CLI cannot load such a file, even where a
/// YAML 1.2 reader would take the character as part of a plain value.
fn unprintable(text: &str) -> Option<SyntaxError> {
    // Most texts hold none of the bytes that can start such a character: skip the decoding walk for them.
    let suspicious = |b: &u8| (*b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || matches!(b, 0x7f | 0xc2 | 0xef);
    if !text.as_bytes().iter().any(suspicious) {
        return None;
    }
    let refused = |c: char| match c {
        '\t' | '\n' | '\r' | '\u{85}' => false,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{fffe}' | '\u{ffff}' => true,
        _ => false,
    };
    let (at, c) = text.char_indices().find(|&(_, c)| refused(c))?;
    let name = match c {
        '\u{0}' => " (NUL)".to_string(),
        '\u{7}' => " (BEL)".to_string(),
        '\u{8}' => " (backspace)".to_string(),
        '\u{1b}' => " (ESC)".to_string(),
        _ => String::new(),
    };
    Some(SyntaxError {
        kind: SyntaxErrorKind::Syntax,
        message: format!(
            "control character U+{:04X}{name} in the file; PyYAML refuses it, so the CLI cannot load this spec: remove it, or write it as an escape in a double-quoted string",
            c as u32
        ),
        range: TextRange::new(at as u32, (at + c.len_utf8()) as u32),
        related: None,
    })
}

/// The first escape in the double-quoted string opening at (or after) `from` that YAML refuses: an unknown
/// letter, missing hex digits, or a code that is no character. Its byte range, backslash included.
fn bad_escape(text: &str, from: usize) -> Option<(usize, usize)> {
    let open = from + text.get(from..)?.find('"')?;
    let bytes = text.as_bytes();
    let mut i = open + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => return None,
            b'\\' => {
                let &letter = bytes.get(i + 1)?;
                let digits = match letter {
                    b'x' => 2,
                    b'u' => 4,
                    b'U' => 8,
                    b'0' | b'a' | b'b' | b't' | b'\t' | b'n' | b'v' | b'f' | b'r' | b'e' | b' ' | b'"' | b'/'
                    | b'\\' | b'N' | b'_' | b'L' | b'P' | b'\n' | b'\r' => {
                        i += 2;
                        continue;
                    }
                    _ => {
                        let end = i + 1 + text[i + 1..].chars().next().map_or(0, char::len_utf8);
                        return Some((i, end));
                    }
                };
                let hex = text.get(i + 2..i + 2 + digits).filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()));
                let Some(hex) = hex else {
                    let end = (i + 2..=(i + 2 + digits).min(text.len())).rev().find(|&e| text.is_char_boundary(e));
                    return Some((i, end.unwrap_or(i + 2)));
                };
                if u32::from_str_radix(hex, 16).ok().and_then(char::from_u32).is_none() {
                    return Some((i, i + 2 + digits));
                }
                i += 2 + digits;
            }
            _ => i += 1,
        }
    }
    None
}

fn first_non_space(text: &str, from: u32) -> u32 {
    let b = text.as_bytes();
    let mut i = from as usize;
    while i < b.len() && b[i] == b' ' {
        i += 1;
    }
    i as u32
}

/// The first tab in a line's leading whitespace, starting with the line before `near`.
fn find_indent_tab(text: &str, near: u32) -> Option<u32> {
    let mut offset = 0u32;
    let mut candidates = Vec::new();
    for line in text.split_inclusive('\n') {
        let lead = line.len() - line.trim_start_matches([' ', '\t']).len();
        if let Some(i) = line[..lead].find('\t') {
            candidates.push(offset + i as u32);
        }
        offset += line.len() as u32;
    }
    let prev_line_start = line_start(text, line_start(text, near).saturating_sub(1));
    candidates.iter().copied().find(|&c| c >= prev_line_start).or_else(|| candidates.first().copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slice(text: &str, r: TextRange) -> &str {
        &text[r.start as usize..r.end as usize]
    }

    #[test]
    fn ranges_are_bytes_for_non_ascii() {
        let text = "description: \"計算 😀\"\nname: ci-1\n";
        let parsed = parse(text);
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        let doc = parsed.document.expect("document");
        let name = doc.root.entry("name").expect("name");
        assert_eq!(slice(text, name.key.range), "name");
        assert_eq!(slice(text, name.value.range), "ci-1");
        let desc = doc.root.get("description").expect("description");
        assert_eq!(slice(text, desc.range), "\"計算 😀\"");
    }

    #[test]
    fn bom_is_fine() {
        let text = "\u{feff}type: amlcompute\nname: c\n";
        let parsed = parse(text);
        assert!(parsed.errors.is_empty());
        let doc = parsed.document.expect("document");
        assert_eq!(slice(text, doc.root.entry("type").expect("type").key.range), "type");
    }

    #[test]
    fn syntax_problems_are_positioned() {
        let cases: &[(&str, SyntaxErrorKind, &str)] = &[
            ("a: 1\n\tb: 2\n", SyntaxErrorKind::Tab, "\t"),
            ("name: \"abc\ntype: x\n", SyntaxErrorKind::UnterminatedQuote, "\"abc"),
            ("a: 1\nb: 2\na: 3\n", SyntaxErrorKind::DuplicateKey, "a"),
            ("a: 1\n---\nb: 2\n", SyntaxErrorKind::MultipleDocuments, "---"),
            ("", SyntaxErrorKind::Empty, ""),
            ("# only a comment\n", SyntaxErrorKind::Empty, ""),
            ("- a\n- b\n", SyntaxErrorKind::NotAMapping, "- a\n- b"),
            ("a:\n  b: 1\n c: 2\n", SyntaxErrorKind::BadIndentation, "c: 2"),
            ("a: !custom x\n", SyntaxErrorKind::Unloadable, "!custom x"),
        ];
        for (text, kind, at) in cases {
            let parsed = parse(text);
            let err = parsed
                .errors
                .iter()
                .find(|e| e.kind == *kind)
                .unwrap_or_else(|| panic!("{text:?}: {:?}", parsed.errors));
            assert_eq!(slice(text, err.range), *at, "{text:?}");
        }
    }

    #[test]
    fn partial_tree_up_to_an_error() {
        let text = "type: amlcompute\nname: c\nssh_settings:\n  admin_username: a\n b: [\n";
        let parsed = parse(text);
        assert!(!parsed.errors.is_empty());
        assert!(parsed.partial);
        let doc = parsed.document.expect("partial document");
        assert_eq!(doc.root.get("name").and_then(|n| n.as_str()), Some("c"));
    }

    #[test]
    fn depth_limit() {
        let text = format!("{}1{}", "[".repeat(200), "]".repeat(200));
        let parsed = parse(&text);
        assert!(parsed.errors.iter().any(|e| e.kind == SyntaxErrorKind::Limit));
    }

    #[test]
    fn path_at_finds_keys_and_values() {
        let text = "type: computeinstance\nschedules:\n  compute_start_stop:\n    - action: stop\n";
        let doc = parse(text).document.expect("document");
        let at = text.find("stop\n").expect("stop") as u32;
        let loc = doc.path_at(at + 1).expect("location");
        assert_eq!(dotted(&loc.path), "schedules.compute_start_stop.0.action");
        assert!(!loc.on_key);
        let at = text.find("action").expect("action") as u32;
        let loc = doc.path_at(at + 2).expect("location");
        assert!(loc.on_key);
        assert_eq!(dotted(&loc.path), "schedules.compute_start_stop.0.action");
    }
}
