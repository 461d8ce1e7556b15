//! Converts byte offsets to line/column pairs and back, in UTF-8 or UTF-16 code units.
//!
//! The core works in byte offsets; editors speak in lines and columns whose unit is negotiated
//! (LSP's default is UTF-16). This is the one place that knows the difference. Line breaks are
//! `\n`, `\r\n` and a lone `\r`, as the LSP specification defines them.

use crate::TextRange;

/// The offset at which the line holding `offset` starts. A line break is `\n`, `\r\n` or a lone
/// `\r`, as [`LineIndex`] counts them; an offset inside a `\r\n` belongs to the line it ends.
pub(crate) fn line_start(text: &str, offset: u32) -> u32 {
    let bytes = text.as_bytes();
    let mut end = (offset as usize).min(bytes.len());
    if end > 0 && bytes[end - 1] == b'\r' && bytes.get(end) == Some(&b'\n') {
        end -= 1;
    }
    memchr::memrchr2(b'\n', b'\r', &bytes[..end]).map_or(0, |i| i as u32 + 1)
}

/// The offset of the line break that ends the line holding `offset` (or the end of the text).
pub(crate) fn line_end(text: &str, offset: u32) -> u32 {
    let bytes = text.as_bytes();
    let from = (offset as usize).min(bytes.len());
    if from > 0 && bytes[from - 1] == b'\r' && bytes.get(from) == Some(&b'\n') {
        return from as u32 - 1;
    }
    memchr::memchr2(b'\n', b'\r', &bytes[from..]).map_or(bytes.len(), |i| from + i) as u32
}

/// The offset at which the line after the one holding `offset` starts, or None on the last line.
pub(crate) fn next_line_start(text: &str, offset: u32) -> Option<u32> {
    let end = line_end(text, offset) as usize;
    match text.as_bytes().get(end)? {
        b'\r' if text.as_bytes().get(end + 1) == Some(&b'\n') => Some(end as u32 + 2),
        _ => Some(end as u32 + 1),
    }
}

/// The range of each line, without its line break. A break at the very end ends the last line
/// rather than starting an empty one, and an empty text has no lines.
pub(crate) fn lines(text: &str) -> impl Iterator<Item = TextRange> + '_ {
    let mut at = 0u32;
    std::iter::from_fn(move || {
        if at as usize >= text.len() {
            return None;
        }
        let line = TextRange::new(at, line_end(text, at));
        at = next_line_start(text, at).unwrap_or(text.len() as u32);
        Some(line)
    })
}

/// The unit in which a column counts characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum PositionEncoding {
    Utf8,
    #[default]
    Utf16,
}

/// A zero-based line and a zero-based column in the chosen encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// Line starts of one text, built once per version of a document.
#[derive(Clone, Debug)]
pub struct LineIndex {
    /// Byte offset at which each line starts; always begins with 0.
    line_starts: Vec<u32>,
    /// Byte offset just past the last character of each line, before its line break.
    line_ends: Vec<u32>,
    /// Whether the whole text is ASCII, so that every encoding agrees and conversion is O(1).
    ascii: bool,
    len: u32,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0u32];
        let mut line_ends = Vec::new();
        // memchr finds the breaks many bytes at a time: this runs on every keystroke, over the whole text.
        let mut breaks = memchr::memchr2_iter(b'\n', b'\r', bytes);
        while let Some(i) = breaks.next() {
            line_ends.push(i as u32);
            if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                // CRLF is one break: skip its `\n`.
                breaks.next();
                line_starts.push(i as u32 + 2);
            } else {
                line_starts.push(i as u32 + 1);
            }
        }
        line_ends.push(bytes.len() as u32);
        LineIndex { line_starts, line_ends, ascii: text.is_ascii(), len: bytes.len() as u32 }
    }

    pub fn line_count(&self) -> u32 {
        self.line_starts.len() as u32
    }

    /// The byte range of a line's text, without its line break.
    pub fn line_range(&self, line: u32) -> Option<TextRange> {
        let line = line as usize;
        Some(TextRange::new(*self.line_starts.get(line)?, *self.line_ends.get(line)?))
    }

    /// Converts a byte offset to a line and column. Offsets past the end clamp to the end;
    /// offsets inside a multi-byte character or a line break clamp to the character's start or
    /// the line's end.
    pub fn line_col(&self, text: &str, offset: u32, encoding: PositionEncoding) -> LineCol {
        let offset = offset.min(self.len);
        let line = match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        };
        let start = self.line_starts[line];
        let end = offset.min(self.line_ends[line]);
        let col = if self.ascii || encoding == PositionEncoding::Utf8 {
            floor_char_boundary(text, end as usize) as u32 - start
        } else {
            let slice = &text[start as usize..floor_char_boundary(text, end as usize)];
            slice.encode_utf16().count() as u32
        };
        LineCol { line: line as u32, col }
    }

    /// Converts a line and column back to a byte offset. A column past the line's end clamps to
    /// the end of the line; a line past the end clamps to the end of the text, as LSP asks.
    pub fn offset(&self, text: &str, pos: LineCol, encoding: PositionEncoding) -> u32 {
        let Some(&start) = self.line_starts.get(pos.line as usize) else {
            return self.len;
        };
        let end = self.line_ends[pos.line as usize];
        if self.ascii || encoding == PositionEncoding::Utf8 {
            let offset = (start + pos.col).min(end);
            return floor_char_boundary(text, offset as usize) as u32;
        }
        let mut units = 0u32;
        for (i, ch) in text[start as usize..end as usize].char_indices() {
            if units >= pos.col {
                return start + i as u32;
            }
            units += ch.len_utf16() as u32;
        }
        end
    }

    pub fn range_to_line_cols(&self, text: &str, range: TextRange, encoding: PositionEncoding) -> (LineCol, LineCol) {
        (self.line_col(text, range.start, encoding), self.line_col(text, range.end, encoding))
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_start_and_end_agree_with_the_index() {
        for text in ["", "a", "a\nb", "a\r\nb\r\n", "a\rb\r", "\r\n\r\n", "x\r\ry\n\rz", "é\r\nü\rö\n"] {
            let index = LineIndex::new(text);
            for offset in 0..=text.len() as u32 {
                let line = index.line_col(text, offset, PositionEncoding::Utf8).line;
                let range = index.line_range(line).expect("line");
                assert_eq!(line_start(text, offset), range.start, "start {text:?} at {offset}");
                assert_eq!(line_end(text, offset), range.end, "end {text:?} at {offset}");
                let next = index.line_range(line + 1).map(|r| r.start);
                assert_eq!(next_line_start(text, offset), next, "next {text:?} at {offset}");
            }
            let mut want: Vec<TextRange> = (0..index.line_count()).filter_map(|l| index.line_range(l)).collect();
            if want.last().is_some_and(|r| r.is_empty() && r.start as usize == text.len()) {
                want.pop();
            }
            assert_eq!(lines(text).collect::<Vec<_>>(), want, "lines of {text:?}");
        }
    }

    fn round_trip(text: &str, encoding: PositionEncoding) {
        let index = LineIndex::new(text);
        for (offset, _) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
            let lc = index.line_col(text, offset as u32, encoding);
            let back = index.offset(text, lc, encoding);
            let at_break = matches!(text.as_bytes().get(offset), Some(b'\r' | b'\n'))
                && offset > 0
                && text.as_bytes()[offset - 1] == b'\r';
            if !at_break {
                assert_eq!(back as usize, offset, "{text:?} at {offset} -> {lc:?}");
            }
        }
    }

    #[test]
    fn ascii_lf() {
        let text = "type: amlcompute\nname: x\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(text, 17, PositionEncoding::Utf16), LineCol { line: 1, col: 0 });
        assert_eq!(index.line_count(), 3);
        round_trip(text, PositionEncoding::Utf16);
    }

    #[test]
    fn crlf_and_lone_cr() {
        let text = "a: 1\r\nb: 2\rc: 3";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(text, 6, PositionEncoding::Utf16), LineCol { line: 1, col: 0 });
        assert_eq!(index.line_col(text, 11, PositionEncoding::Utf16), LineCol { line: 2, col: 0 });
        // The `\r` of a CRLF belongs to the end of line 0.
        assert_eq!(index.line_col(text, 4, PositionEncoding::Utf16), LineCol { line: 0, col: 4 });
        assert_eq!(index.line_range(0), Some(TextRange::new(0, 4)));
        round_trip(text, PositionEncoding::Utf16);
    }

    #[test]
    fn emoji_and_cjk_in_utf16_and_utf8() {
        let text = "description: 😀 计算\nname: x";
        let index = LineIndex::new(text);
        let name = text.find("name").unwrap() as u32;
        assert_eq!(index.line_col(text, name, PositionEncoding::Utf16), LineCol { line: 1, col: 0 });
        let end = text.find('\n').unwrap() as u32;
        // "description: " is 13 units, the emoji is 2 UTF-16 units (4 bytes), space 1, CJK 1 unit (3 bytes) each.
        assert_eq!(index.line_col(text, end, PositionEncoding::Utf16).col, 13 + 2 + 1 + 2);
        assert_eq!(index.line_col(text, end, PositionEncoding::Utf8).col, 13 + 4 + 1 + 6);
        round_trip(text, PositionEncoding::Utf16);
        round_trip(text, PositionEncoding::Utf8);
    }

    /// Every text of up to 7 characters from `a`, `\r` and `\n` is split as a byte-by-byte reading
    /// splits it: `\r\n` is one break, a lone `\r` or `\n` is one.
    #[test]
    fn line_breaks_match_a_byte_by_byte_reading() {
        fn reference(bytes: &[u8]) -> (Vec<u32>, Vec<u32>) {
            let (mut starts, mut ends, mut i) = (vec![0u32], Vec::new(), 0usize);
            while i < bytes.len() {
                if bytes[i] == b'\n' || bytes[i] == b'\r' {
                    ends.push(i as u32);
                    if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                        i += 1;
                    }
                    starts.push(i as u32 + 1);
                }
                i += 1;
            }
            ends.push(bytes.len() as u32);
            (starts, ends)
        }
        for len in 0..=7u32 {
            for mut code in 0..3u32.pow(len) {
                let mut text = String::new();
                for _ in 0..len {
                    text.push(['a', '\r', '\n'][(code % 3) as usize]);
                    code /= 3;
                }
                let index = LineIndex::new(&text);
                assert_eq!((index.line_starts, index.line_ends), reference(text.as_bytes()), "{text:?}");
            }
        }
    }

    #[test]
    fn out_of_range_clamps() {
        let text = "ab\ncd";
        let index = LineIndex::new(text);
        assert_eq!(index.offset(text, LineCol { line: 9, col: 0 }, PositionEncoding::Utf16), 5);
        assert_eq!(index.offset(text, LineCol { line: 0, col: 99 }, PositionEncoding::Utf16), 2);
        assert_eq!(index.line_col(text, 99, PositionEncoding::Utf16), LineCol { line: 1, col: 2 });
        // The middle of a multi-byte character clamps to its start.
        let text = "é";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(text, 1, PositionEncoding::Utf8), LineCol { line: 0, col: 0 });
    }
}
