//! Exercise markers in a stage's reference source, and the stubs generated from them.
//!
//! A region is the lines between
//!
//! ```text
//! // EXERCISE: name
//! …
//! // END EXERCISE
//! ```
//!
//! (the markers are line comments on lines of their own). What replaces the region in the
//! exercise depends on what it holds:
//!
//! - **Functions** (a region with at least one `fn` item, free or in an `impl`): every
//!   function keeps its attributes, doc comment and signature; its body becomes
//!   `todo!("exercise name: … — book: …")`. Everything else in the region (types, statics,
//!   `const fn`s, which may be evaluated at compile time) stays as it is.
//! - **Statements** (a region inside a function body, with no `fn` in it): the whole
//!   region becomes one `todo!(…);` line.
//!
//! The marker lines stay in the exercise, so the learner sees where to write and the
//! tooling can find the region again. One name may mark several regions (in several files):
//! they are one exercise.

use std::fmt;
use std::ops::Range;

/// The line that opens a region: `// EXERCISE: name`.
pub const START: &str = "// EXERCISE:";
/// The line that closes a region: `// END EXERCISE`.
pub const END: &str = "// END EXERCISE";

/// One marked region of a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Region {
    pub name: String,
    /// 1-based line number of the `// EXERCISE:` line.
    pub line: usize,
    /// The indentation of the `// EXERCISE:` line.
    pub indent: String,
    /// Byte range of the text between the two marker lines (whole lines, with their `\n`).
    pub body: Range<usize>,
}

/// A problem with the markers or the code they mark.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MarkerError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for MarkerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// Whether `line` is a marker line (either kind): what must never show in the book.
pub fn is_marker_line(line: &str) -> bool {
    let trimmed = line.trim_start();
    trimmed.starts_with(START) || trimmed.starts_with(END)
}

/// The marked regions of `source`, in order.
pub fn regions(source: &str) -> Result<Vec<Region>, MarkerError> {
    let mut regions = Vec::new();
    let mut open: Option<(String, usize, String, usize)> = None;
    let mut offset = 0;
    for (index, line) in source.split_inclusive('\n').enumerate() {
        let number = index + 1;
        let trimmed = line.trim();
        let indent = &line[..line.len() - line.trim_start().len()];
        if let Some(rest) = trimmed.strip_prefix(START) {
            let name = rest.trim();
            if let Some((open_name, open_line, ..)) = &open {
                return Err(MarkerError {
                    line: number,
                    message: format!(
                        "exercise {name:?} starts inside exercise {open_name:?} (line {open_line}); regions do not nest"
                    ),
                });
            }
            if !valid_name(name) {
                return Err(MarkerError {
                    line: number,
                    message: format!(
                        "exercise name {name:?}: use lower-case letters, digits, `_` and `-`"
                    ),
                });
            }
            open = Some((
                name.to_owned(),
                number,
                indent.to_owned(),
                offset + line.len(),
            ));
        } else if let Some(rest) = trimmed.strip_prefix(END) {
            let Some((name, start_line, indent, start)) = open.take() else {
                return Err(MarkerError {
                    line: number,
                    message: format!("{END} without a {START} before it"),
                });
            };
            // `// END EXERCISE: name` may repeat the name; then it must match.
            let repeated = rest.trim().trim_start_matches(':').trim();
            if !repeated.is_empty() && repeated != name {
                return Err(MarkerError {
                    line: number,
                    message: format!("{END} names {repeated:?}, but the open region is {name:?}"),
                });
            }
            regions.push(Region {
                name,
                line: start_line,
                indent,
                body: start..offset,
            });
        } else if trimmed.contains("EXERCISE") && trimmed.starts_with("//") {
            return Err(MarkerError {
                line: number,
                message: format!(
                    "looks like a marker but is not one: {trimmed:?} (write `{START} name` or `{END}`)"
                ),
            });
        }
        offset += line.len();
    }
    if let Some((name, line, ..)) = open {
        return Err(MarkerError {
            line,
            message: format!("exercise {name:?} has no {END} line"),
        });
    }
    Ok(regions)
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

/// The Rust expression that a stub consists of: `todo!("exercise NAME: MESSAGE")`, with
/// the message escaped for a format string.
pub fn stub_call(name: &str, message: &str) -> String {
    let mut text = format!("exercise {name}: {message}");
    text = text
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('{', "{{")
        .replace('}', "}}")
        .replace('\n', " ");
    format!("todo!(\"{text}\")")
}

/// The text by which a stub of exercise `name` is recognised in a file.
pub fn stub_prefix(name: &str) -> String {
    format!("todo!(\"exercise {name}:")
}

/// `source` with the regions named in `names` (all of them when `names` is `None`)
/// replaced by stubs. `message(name)` gives the text after `exercise NAME: `.
pub fn stub(
    source: &str,
    names: Option<&[String]>,
    message: impl Fn(&str) -> String,
) -> Result<String, MarkerError> {
    let mut out = String::with_capacity(source.len());
    let mut copied = 0;
    for region in regions(source)? {
        if names.is_some_and(|names| !names.contains(&region.name)) {
            continue;
        }
        let call = stub_call(&region.name, &message(&region.name));
        out.push_str(&source[copied..region.body.start]);
        out.push_str(&stub_region(source, &region, &call)?);
        copied = region.body.end;
    }
    out.push_str(&source[copied..]);
    Ok(out)
}

/// The replacement for one region's body.
fn stub_region(source: &str, region: &Region, call: &str) -> Result<String, MarkerError> {
    let body = &source[region.body.clone()];
    let functions = functions(source, region)?;
    if functions.is_empty() {
        if body.trim().is_empty() {
            return Err(MarkerError {
                line: region.line,
                message: format!("exercise {:?} marks nothing", region.name),
            });
        }
        return Ok(format!("{}{call};\n", region.indent));
    }
    let mut out = String::new();
    let mut copied = region.body.start;
    for function in functions {
        out.push_str(&source[copied..=function.open]);
        out.push('\n');
        out.push_str(&function.indent);
        out.push_str("    ");
        out.push_str(call);
        out.push('\n');
        out.push_str(&function.indent);
        copied = function.close;
    }
    out.push_str(&source[copied..region.body.end]);
    Ok(out)
}

/// A function whose body a stub replaces: the byte offsets of its body's braces.
struct Function {
    indent: String,
    open: usize,
    close: usize,
}

/// The non-`const` functions with bodies in `region`, outermost only.
fn functions(source: &str, region: &Region) -> Result<Vec<Function>, MarkerError> {
    let tokens = Lexer::new(source, region.body.clone()).collect::<Vec<_>>();
    let mut found = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let Token::Word(range) = &tokens[i] else {
            i += 1;
            continue;
        };
        if &source[range.clone()] != "fn" {
            i += 1;
            continue;
        }
        // `fn` as a type (`fn(u8) -> u8`) is followed by `(`, an item by its name.
        if !matches!(tokens.get(i + 1), Some(Token::Word(_))) {
            i += 1;
            continue;
        }
        let line = line_of(source, range.start);
        let name = match &tokens[i + 1] {
            Token::Word(name) => &source[name.clone()],
            _ => unreachable!(),
        };
        let is_const = tokens[..i]
            .iter()
            .rev()
            .take(4)
            .take_while(|t| matches!(t, Token::Word(_) | Token::Str(_)))
            .any(|t| matches!(t, Token::Word(w) if &source[w.clone()] == "const"));
        // Find the body: the first `{` outside parentheses and brackets; a `;` first means
        // a declaration without a body.
        let mut depth = 0i32;
        let mut j = i + 2;
        let mut open = None;
        let mut returns_impl = false;
        while j < tokens.len() {
            match &tokens[j] {
                Token::Punct(b'(' | b'[', _) => depth += 1,
                Token::Punct(b')' | b']', _) => depth -= 1,
                Token::Punct(b'{', _) if depth == 0 => {
                    open = Some(j);
                    break;
                }
                Token::Punct(b';', _) if depth == 0 => break,
                Token::Word(w) if &source[w.clone()] == "impl" && depth == 0 => {
                    returns_impl = true;
                }
                _ => {}
            }
            j += 1;
        }
        let Some(open) = open else {
            i = j + 1;
            continue;
        };
        let close = matching_brace(&tokens, open).ok_or_else(|| MarkerError {
            line,
            message: format!(
                "the body of fn {name} does not end inside exercise {:?}",
                region.name
            ),
        })?;
        if !is_const {
            if returns_impl {
                return Err(MarkerError {
                    line,
                    message: format!(
                        "fn {name} returns `impl Trait`: a todo!() body cannot compile; leave it out of exercise {:?}",
                        region.name
                    ),
                });
            }
            let line_start = source[..range.start].rfind('\n').map_or(0, |n| n + 1);
            let line_text = &source[line_start..];
            let indent = &line_text[..line_text.len() - line_text.trim_start().len()];
            found.push(Function {
                indent: indent.to_owned(),
                open: tokens[open].start(),
                close: tokens[close].start(),
            });
        }
        // Functions nested in this one's body are part of it.
        i = close + 1;
    }
    Ok(found)
}

fn matching_brace(tokens: &[Token], open: usize) -> Option<usize> {
    let mut depth = 0;
    for (k, token) in tokens.iter().enumerate().skip(open) {
        match token {
            Token::Punct(b'{', _) => depth += 1,
            Token::Punct(b'}', _) => {
                depth -= 1;
                if depth == 0 {
                    return Some(k);
                }
            }
            _ => {}
        }
    }
    None
}

fn line_of(source: &str, offset: usize) -> usize {
    source[..offset].matches('\n').count() + 1
}

/// The body of every region named `name`, joined (for `solution`).
pub fn region_text<'a>(source: &'a str, name: &str) -> Result<Vec<&'a str>, MarkerError> {
    Ok(regions(source)?
        .into_iter()
        .filter(|r| r.name == name)
        .map(|r| &source[r.body])
        .collect())
}

/// `current` with the bodies of the regions named `name` replaced by those of `reference`,
/// region by region. `None` if the two files do not have the same regions of that name.
pub fn restore_regions(current: &str, reference: &str, name: &str) -> Option<String> {
    let ours = regions(current).ok()?;
    let theirs = regions(reference).ok()?;
    let ours: Vec<&Region> = ours.iter().filter(|r| r.name == name).collect();
    let theirs: Vec<&Region> = theirs.iter().filter(|r| r.name == name).collect();
    if ours.len() != theirs.len() {
        return None;
    }
    let mut out = String::new();
    let mut copied = 0;
    for (mine, reference_region) in ours.iter().zip(&theirs) {
        out.push_str(&current[copied..mine.body.start]);
        out.push_str(&reference[reference_region.body.clone()]);
        copied = mine.body.end;
    }
    out.push_str(&current[copied..]);
    Some(out)
}

/// Just enough of Rust's lexical structure to match braces: comments, strings and
/// character literals are skipped, so a `{` inside them does not count.
#[derive(Debug)]
enum Token {
    Word(Range<usize>),
    Punct(u8, usize),
    Str(Range<usize>),
}

impl Token {
    fn start(&self) -> usize {
        match self {
            Token::Word(r) | Token::Str(r) => r.start,
            Token::Punct(_, at) => *at,
        }
    }
}

struct Lexer<'a> {
    bytes: &'a [u8],
    at: usize,
    end: usize,
}

impl<'a> Lexer<'a> {
    fn new(source: &'a str, range: Range<usize>) -> Lexer<'a> {
        Lexer {
            bytes: source.as_bytes(),
            at: range.start,
            end: range.end,
        }
    }

    fn peek(&self, ahead: usize) -> Option<u8> {
        (self.at + ahead < self.end).then(|| self.bytes[self.at + ahead])
    }

    /// Skip a string body after its opening quote, honouring backslash escapes.
    fn skip_quoted(&mut self, quote: u8) {
        while let Some(b) = self.peek(0) {
            self.at += 1;
            if b == b'\\' {
                self.at += 1;
            } else if b == quote {
                return;
            }
        }
    }

    /// Skip a raw string: `self.at` is on the first `#` or `"` after `r`.
    fn skip_raw(&mut self) {
        let mut hashes = 0;
        while self.peek(0) == Some(b'#') {
            hashes += 1;
            self.at += 1;
        }
        self.at += 1; // the opening quote
        while self.at < self.end {
            if self.bytes[self.at] == b'"'
                && (1..=hashes).all(|k| self.bytes.get(self.at + k) == Some(&b'#'))
            {
                self.at += 1 + hashes;
                return;
            }
            self.at += 1;
        }
    }
}

impl Iterator for Lexer<'_> {
    type Item = Token;

    fn next(&mut self) -> Option<Token> {
        loop {
            let b = self.peek(0)?;
            let start = self.at;
            match b {
                b if b.is_ascii_whitespace() => self.at += 1,
                b'/' if self.peek(1) == Some(b'/') => {
                    while self.peek(0).is_some_and(|b| b != b'\n') {
                        self.at += 1;
                    }
                }
                b'/' if self.peek(1) == Some(b'*') => {
                    self.at += 2;
                    let mut depth = 1;
                    while depth > 0 && self.at < self.end {
                        if self.peek(0) == Some(b'/') && self.peek(1) == Some(b'*') {
                            depth += 1;
                            self.at += 2;
                        } else if self.peek(0) == Some(b'*') && self.peek(1) == Some(b'/') {
                            depth -= 1;
                            self.at += 2;
                        } else {
                            self.at += 1;
                        }
                    }
                }
                b'"' => {
                    self.at += 1;
                    self.skip_quoted(b'"');
                    return Some(Token::Str(start..self.at));
                }
                b'r' if self.peek(1) == Some(b'"')
                    || (self.peek(1) == Some(b'#')
                        && matches!(self.peek(2), Some(b'"' | b'#'))) =>
                {
                    self.at += 1;
                    self.skip_raw();
                    return Some(Token::Str(start..self.at));
                }
                b'b' | b'c'
                    if self.peek(1) == Some(b'r') && matches!(self.peek(2), Some(b'"' | b'#')) =>
                {
                    self.at += 2;
                    self.skip_raw();
                    return Some(Token::Str(start..self.at));
                }
                b'b' | b'c' if self.peek(1) == Some(b'"') => {
                    self.at += 2;
                    self.skip_quoted(b'"');
                    return Some(Token::Str(start..self.at));
                }
                b'b' if self.peek(1) == Some(b'\'') => {
                    self.at += 2;
                    self.skip_quoted(b'\'');
                    return Some(Token::Str(start..self.at));
                }
                b'\'' => {
                    // A character literal ('x', '\n', '\u{1F600}', '"') or a lifetime ('a).
                    let is_char = self.peek(1) == Some(b'\\')
                        || (self.peek(2) == Some(b'\'') && self.peek(1) != Some(b'\''))
                        || self.peek(1).is_some_and(|b| b >= 0x80);
                    self.at += 1;
                    if is_char {
                        self.skip_quoted(b'\'');
                        return Some(Token::Str(start..self.at));
                    }
                }
                b if b == b'_' || b.is_ascii_alphanumeric() => {
                    while self
                        .peek(0)
                        .is_some_and(|b| b == b'_' || b.is_ascii_alphanumeric())
                    {
                        self.at += 1;
                    }
                    return Some(Token::Word(start..self.at));
                }
                b if b >= 0x80 => self.at += 1,
                other => {
                    self.at += 1;
                    return Some(Token::Punct(other, start));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stub_all(source: &str) -> String {
        stub(source, None, |name| format!("write {name}")).unwrap()
    }

    #[test]
    fn a_function_keeps_its_signature_and_loses_its_body() {
        let source = "\
use x;

// EXERCISE: on_bit
// ANCHOR: handler
/// Doc.
extern \"C\" fn on_bit(signal: i32) {
    let s = \"}{\"; let c = '}'; let l: &'static str = \"\";
    if signal == 1 { return; }
}
// ANCHOR_END: handler
// END EXERCISE

fn main() {}
";
        assert_eq!(
            stub_all(source),
            "\
use x;

// EXERCISE: on_bit
// ANCHOR: handler
/// Doc.
extern \"C\" fn on_bit(signal: i32) {
    todo!(\"exercise on_bit: write on_bit\")
}
// ANCHOR_END: handler
// END EXERCISE

fn main() {}
"
        );
    }

    #[test]
    fn statics_and_const_fns_stay_and_methods_are_stubbed() {
        let source = "\
// EXERCISE: queue
static Q: Queue = Queue::new();
impl Queue {
    pub const fn new() -> Queue {
        Queue { n: 0 }
    }

    pub fn push(&self, x: u8) -> bool where u8: Copy {
        self.n.store(x);
        true
    }
}
// END EXERCISE
";
        let stubbed = stub_all(source);
        assert!(stubbed.contains("static Q: Queue = Queue::new();"));
        assert!(stubbed.contains("        Queue { n: 0 }\n"));
        assert!(stubbed.contains(
            "    pub fn push(&self, x: u8) -> bool where u8: Copy {\n        todo!(\"exercise queue: write queue\")\n    }\n}\n"
        ));
    }

    #[test]
    fn statements_become_one_stub() {
        let source = "\
fn main() {
    let args = 1;
    // EXERCISE: send
    for b in [1, 2] {
        send(b);
    }
    // END EXERCISE
    println!(\"done\");
}
";
        assert_eq!(
            stub_all(source),
            "\
fn main() {
    let args = 1;
    // EXERCISE: send
    todo!(\"exercise send: write send\");
    // END EXERCISE
    println!(\"done\");
}
"
        );
    }

    #[test]
    fn only_the_named_regions_are_stubbed() {
        let source = "// EXERCISE: a\nfn a() { 1; }\n// END EXERCISE\n// EXERCISE: b\nfn b() { 2; }\n// END EXERCISE\n";
        let stubbed = stub(source, Some(&["b".to_owned()]), |_| "m".into()).unwrap();
        assert!(stubbed.contains("fn a() { 1; }"));
        assert!(stubbed.contains("fn b() {\n    todo!(\"exercise b: m\")\n}"));
    }

    #[test]
    fn messages_are_escaped_for_a_format_string() {
        assert_eq!(
            stub_call("x", "print {} and \"quotes\" \\ here"),
            "todo!(\"exercise x: print {{}} and \\\"quotes\\\" \\\\ here\")"
        );
    }

    #[test]
    fn impl_trait_returns_are_refused() {
        let source = "// EXERCISE: bits\npub fn bits(b: u8) -> impl Iterator<Item = bool> {\n    (0..8).map(|_| true)\n}\n// END EXERCISE\n";
        let error = stub(source, None, |_| "m".into()).unwrap_err();
        assert!(error.message.contains("impl Trait"), "{error}");
    }

    #[test]
    fn broken_markers_are_reported_with_their_line() {
        let nested = "// EXERCISE: a\n// EXERCISE: b\n// END EXERCISE\n";
        assert_eq!(regions(nested).unwrap_err().line, 2);
        let unclosed = "\n// EXERCISE: a\nfn a() {}\n";
        assert_eq!(regions(unclosed).unwrap_err().line, 2);
        let stray = "// END EXERCISE\n";
        assert_eq!(regions(stray).unwrap_err().line, 1);
        let typo = "// EXERCISE a\n";
        assert!(regions(typo).is_err());
        let bad_name = "// EXERCISE: Big Name\n// END EXERCISE\n";
        assert!(regions(bad_name).is_err());
        let mismatch = "// EXERCISE: a\nx();\n// END EXERCISE: b\n";
        assert!(regions(mismatch).is_err());
        let empty = "// EXERCISE: a\n\n// END EXERCISE\n";
        assert!(stub(empty, None, |_| "m".into()).is_err());
    }

    #[test]
    fn regions_can_be_put_back_from_the_reference() {
        let reference = "a\n// EXERCISE: x\nfn x() { 1; }\n// END EXERCISE\nb\n";
        let exercise = stub_all(reference);
        let half_done = exercise.replace("b\n", "b\nmine\n");
        assert_eq!(
            restore_regions(&half_done, reference, "x").unwrap(),
            format!("{reference}mine\n")
        );
        assert_eq!(region_text(reference, "x").unwrap(), ["fn x() { 1; }\n"]);
        // Without its markers, a region cannot be found.
        assert_eq!(restore_regions("a\nb\n", reference, "x"), None);
    }
}
