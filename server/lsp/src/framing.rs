//! The byte level of the stdio transport: `Content-Length` framed messages in, frames out. A bad frame (a missing
//! or unreadable length, a header that is not one, a length longer than the message) is reported and skipped to
//! the next `Content-Length:`, so one broken message never ends the session or swallows the one after it.

use memchr::memmem;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// The largest message accepted: far above any spec an editor holds (the core refuses 16 MiB), small enough
/// that a hostile length cannot make the server allocate without bound.
pub const MAX_MESSAGE: usize = 64 << 20;

/// Headers longer than this are not headers.
const MAX_HEADER: usize = 8 << 10;

const MARKER: &[u8] = b"Content-Length:";

/// What the reader produced.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame {
    /// The body of one message (not yet checked to be JSON).
    Message(Vec<u8>),
    /// Bytes that were not a message, and why; the reader has moved past them.
    Malformed { reason: String, body: Option<Vec<u8>> },
}

/// Reads frames from a stream. All state lives in the reader, so a read that is cancelled loses nothing.
pub struct FrameReader<R> {
    input: R,
    buffer: Vec<u8>,
    ended: bool,
}

impl<R: AsyncRead + Unpin> FrameReader<R> {
    pub fn new(input: R) -> FrameReader<R> {
        FrameReader { input, buffer: Vec::new(), ended: false }
    }

    /// The next frame, or `None` when the input has ended.
    pub async fn next(&mut self) -> Option<Frame> {
        loop {
            if let Some(frame) = self.take_frame() {
                return Some(frame);
            }
            if self.ended {
                let rest = std::mem::take(&mut self.buffer);
                return (!rest.iter().all(u8::is_ascii_whitespace))
                    .then(|| Frame::Malformed { reason: "the input ended inside a message".into(), body: None });
            }
            self.buffer.reserve(64 << 10);
            if let Ok(0) | Err(_) = self.input.read_buf(&mut self.buffer).await {
                self.ended = true;
            }
        }
    }

    /// A whole frame from the buffer, if it holds one (or holds bytes that can already be called malformed).
    fn take_frame(&mut self) -> Option<Frame> {
        // Leading line breaks between messages are tolerated.
        let lead = self.buffer.iter().take_while(|b| matches!(b, b'\r' | b'\n')).count();
        self.buffer.drain(..lead);
        if self.buffer.is_empty() {
            return None;
        }
        let Some((header_len, body_start)) = header_end(&self.buffer) else {
            if self.buffer.len() > MAX_HEADER {
                return Some(self.skip("a header longer than 8 KiB"));
            }
            return None;
        };
        let length = match content_length(&self.buffer[..header_len]) {
            Ok(length) => length,
            Err(reason) => return Some(self.skip(&reason)),
        };
        let available = self.buffer.len() - body_start;
        if available < length {
            // A length longer than the message: the next message's header shows up inside the body, after a
            // complete JSON value. Waiting would swallow that message, so the short one is reported now.
            if let Some(next) = memmem::find(&self.buffer[body_start..], MARKER) {
                let body = &self.buffer[body_start..body_start + next];
                if serde_json::from_slice::<serde::de::IgnoredAny>(body.trim_ascii()).is_ok() {
                    return Some(self.too_long(length, body_start, next));
                }
            }
            if self.ended {
                return Some(
                    self.skip(&format!("Content-Length {length}, but the input ended after {available} bytes")),
                );
            }
            return None;
        }
        let body = &self.buffer[body_start..body_start + length];
        if serde_json::from_slice::<serde::de::IgnoredAny>(body).is_err() {
            if let Some(next) = memmem::find(body, MARKER) {
                return Some(self.too_long(length, body_start, next));
            }
        }
        let body = self.buffer[body_start..body_start + length].to_vec();
        self.buffer.drain(..body_start + length);
        Some(Frame::Message(body))
    }

    /// Reports a body cut short by the next header, and keeps that header for the next frame.
    fn too_long(&mut self, length: usize, body_start: usize, next: usize) -> Frame {
        let body = self.buffer[body_start..body_start + next].to_vec();
        self.buffer.drain(..body_start + next);
        Frame::Malformed {
            reason: format!("Content-Length {length} is longer than the message ({} bytes)", body.len()),
            body: Some(body),
        }
    }

    /// Drops bytes up to the next `Content-Length:` after the start, or all of them but an end that may be the
    /// start of one still arriving.
    fn skip(&mut self, reason: &str) -> Frame {
        let cut = match memmem::find(&self.buffer[1..], MARKER) {
            Some(at) => at + 1,
            None => {
                let partial = (1..MARKER.len()).rev().find(|&n| self.buffer.ends_with(&MARKER[..n])).unwrap_or(0);
                self.buffer.len() - partial.min(self.buffer.len() - 1)
            }
        };
        self.buffer.drain(..cut);
        Frame::Malformed { reason: reason.to_string(), body: None }
    }
}

/// Where the header ends: its length and where the body starts. Both `\r\n\r\n` and a bare `\n\n` end it,
/// as clients that write LF-only headers exist.
fn header_end(buffer: &[u8]) -> Option<(usize, usize)> {
    let crlf = memmem::find(buffer, b"\r\n\r\n").map(|at| (at, at + 4));
    let lf = memmem::find(buffer, b"\n\n").map(|at| (at, at + 2));
    match (crlf, lf) {
        (Some(a), Some(b)) => Some(if a.0 <= b.0 { a } else { b }),
        (a, b) => a.or(b),
    }
}

/// The `Content-Length` of a header block; every line must be a `Name: value` header.
fn content_length(header: &[u8]) -> Result<usize, String> {
    let text = std::str::from_utf8(header).map_err(|_| "a header that is not text".to_string())?;
    let mut length = None;
    for line in text.split('\n').map(|l| l.trim_end_matches('\r')) {
        let Some((name, value)) = line.split_once(':') else {
            return Err(format!("a header line without a colon: {:?}", clip(line)));
        };
        if name.trim().eq_ignore_ascii_case("content-length") {
            let value = value.trim();
            match value.parse::<usize>() {
                Ok(n) if n <= MAX_MESSAGE => length = Some(n),
                Ok(n) => return Err(format!("Content-Length {n} is above the limit of {MAX_MESSAGE} bytes")),
                Err(_) => return Err(format!("Content-Length {:?} is not a byte count", clip(value))),
            }
        }
    }
    length.ok_or_else(|| "a header without Content-Length".to_string())
}

fn clip(text: &str) -> String {
    text.chars().take(40).collect()
}

/// Writes one message with its header, and flushes so the editor sees it at once.
pub async fn write_frame<W: AsyncWrite + Unpin>(output: &mut W, body: &[u8]) -> std::io::Result<()> {
    output.write_all(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes()).await?;
    output.write_all(body).await?;
    output.flush().await
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn frames(input: &[u8]) -> Vec<Frame> {
        let mut reader = FrameReader::new(input);
        let mut out = Vec::new();
        while let Some(frame) = reader.next().await {
            out.push(frame);
        }
        out
    }

    fn message(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    fn is_message(frame: &Frame, body: &str) -> bool {
        frame == &Frame::Message(body.as_bytes().to_vec())
    }

    #[tokio::test]
    async fn good_frames_in_order_lf_headers_included() {
        let input = format!("{}{}Content-Length: 2\n\n{{}}", message("{\"a\":1}"), message("[]"));
        let got = frames(input.as_bytes()).await;
        assert_eq!(got.len(), 3, "{got:?}");
        assert!(is_message(&got[0], "{\"a\":1}") && is_message(&got[1], "[]") && is_message(&got[2], "{}"));
    }

    #[tokio::test]
    async fn bad_headers_are_skipped_to_the_next_message() {
        let ok = message("{}");
        for bad in [
            "Content-Length: x\r\n\r\n{}",
            "Content-Type: a\r\n\r\n{}",
            "garbage\r\n\r\n",
            "Content-Length: -1\r\n\r\n",
        ] {
            let got = frames(format!("{bad}{ok}").as_bytes()).await;
            assert!(matches!(got[0], Frame::Malformed { .. }), "{bad:?}: {got:?}");
            assert!(is_message(got.last().unwrap(), "{}"), "{bad:?}: {got:?}");
            assert_eq!(got.len(), 2, "{bad:?}: {got:?}");
        }
    }

    #[tokio::test]
    async fn a_too_long_length_does_not_swallow_the_next_message() {
        let next = message("{\"id\":2}");
        // The next message completes the declared length: cut where its header starts.
        let got = frames(format!("Content-Length: 30\r\n\r\n{{\"id\":1}}{next}").as_bytes()).await;
        assert!(matches!(&got[0], Frame::Malformed { body: Some(b), .. } if b == b"{\"id\":1}"), "{got:?}");
        assert!(is_message(&got[1], "{\"id\":2}"), "{got:?}");
        // The declared length is never reached: the next header is seen while waiting.
        let got = frames(format!("Content-Length: 5000\r\n\r\n{{\"id\":1}}{next}").as_bytes()).await;
        assert!(matches!(&got[0], Frame::Malformed { body: Some(_), .. }), "{got:?}");
        assert!(is_message(&got[1], "{\"id\":2}"), "{got:?}");
    }
}
