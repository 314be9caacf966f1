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
        let uses = outer_bindings_used(source, region);
        let mut out = String::new();
        if let Some(line) = use_line(&uses) {
            out.push_str(&format!("{}{line}\n", region.indent));
        }
        out.push_str(&format!("{}{call};\n", region.indent));
        return Ok(out);
    }
    let mut out = String::new();
    let mut copied = region.body.start;
    for function in functions {
        out.push_str(&source[copied..=function.open]);
        out.push('\n');
        let inner = format!("{}    ", function.indent);
        if let Some(line) = use_line(&function.params) {
            out.push_str(&format!("{inner}{line}\n"));
        }
        out.push_str(&format!("{inner}{call}\n"));
        out.push_str(&function.indent);
        copied = function.close;
    }
    out.push_str(&source[copied..region.body.end]);
    Ok(out)
}

/// A variable the stub must use, and whether it was declared `mut`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Binding {
    name: String,
    mutable: bool,
}

/// `let _ = (&a, &mut b);`: the stub uses the variables the learner's code will use, so
/// the compiler has no "unused variable" to warn about while the part is a stub, and no
/// blanket `allow` is needed: once the learner's code replaces the stub, an unused
/// variable in it warns (often the sign of a wrong answer).
fn use_line(bindings: &[Binding]) -> Option<String> {
    let refs: Vec<String> = bindings
        .iter()
        .map(|b| format!("&{}{}", if b.mutable { "mut " } else { "" }, b.name))
        .collect();
    let what = match refs.len() {
        0 => return None,
        1 => refs[0].clone(),
        _ => format!("({})", refs.join(", ")),
    };
    Some(format!("let _ = {what}; {STUB_USES}"))
}

/// The comment on the stub's `let _ = …` line.
pub const STUB_USES: &str = "// (the stub uses these; your code replaces it)";

/// A function whose body a stub replaces: the byte offsets of its body's braces.
struct Function {
    indent: String,
    open: usize,
    close: usize,
    params: Vec<Binding>,
}

/// The non-`const` functions with bodies in `region`, outermost only.
fn functions(source: &str, region: &Region) -> Result<Vec<Function>, MarkerError> {
    let tokens = Lexer::new(source, region.body.clone()).collect::<Vec<_>>();
    let mut found = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let Some(signature) = signature_at(source, &tokens, i) else {
            i += 1;
            continue;
        };
        let fn_at = tokens[i].start();
        let line = line_of(source, fn_at);
        let Some(open) = signature.body else {
            i = signature.end + 1;
            continue;
        };
        let close = matching_brace(&tokens, open).ok_or_else(|| MarkerError {
            line,
            message: format!(
                "the body of fn {} does not end inside exercise {:?}",
                signature.name, region.name
            ),
        })?;
        if !signature.is_const {
            if signature.returns_impl {
                return Err(MarkerError {
                    line,
                    message: format!(
                        "fn {} returns `impl Trait`: a todo!() body cannot compile; leave it out of exercise {:?}",
                        signature.name, region.name
                    ),
                });
            }
            let line_start = source[..fn_at].rfind('\n').map_or(0, |n| n + 1);
            let line_text = &source[line_start..];
            let indent = &line_text[..line_text.len() - line_text.trim_start().len()];
            found.push(Function {
                indent: indent.to_owned(),
                open: tokens[open].start(),
                close: tokens[close].start(),
                params: signature.params,
            });
        }
        // Functions nested in this one's body are part of it.
        i = close + 1;
    }
    Ok(found)
}

/// What a `fn` item's tokens say, from the `fn` keyword to its body.
struct Signature {
    name: String,
    is_const: bool,
    returns_impl: bool,
    params: Vec<Binding>,
    /// The token index of the body's `{` (none for a declaration ending in `;`).
    body: Option<usize>,
    /// The token index where the signature ends (the `{` or `;`).
    end: usize,
}

/// The signature of the `fn` item whose keyword is `tokens[i]`, if it is one.
fn signature_at(source: &str, tokens: &[Token], i: usize) -> Option<Signature> {
    let word = |k: usize| match tokens.get(k) {
        Some(Token::Word(range)) => Some(&source[range.clone()]),
        _ => None,
    };
    // `fn` as a type (`fn(u8) -> u8`) is followed by `(`, an item by its name.
    if word(i)? != "fn" {
        return None;
    }
    let name = word(i + 1)?.to_owned();
    let is_const = tokens[..i]
        .iter()
        .rev()
        .take(4)
        .take_while(|t| matches!(t, Token::Word(_) | Token::Str(_)))
        .any(|t| matches!(t, Token::Word(w) if &source[w.clone()] == "const"));
    // Skip the generics (`<T: Fn(u8) -> u8>`, where `->` is no closing bracket).
    let mut j = i + 2;
    if matches!(tokens.get(j), Some(Token::Punct(b'<', _))) {
        let mut depth = 0;
        while j < tokens.len() {
            match tokens[j] {
                Token::Punct(b'<', _) => depth += 1,
                Token::Punct(b'>', _)
                    if !matches!(tokens.get(j.wrapping_sub(1)), Some(Token::Punct(b'-', _))) =>
                {
                    depth -= 1;
                    if depth == 0 {
                        j += 1;
                        break;
                    }
                }
                _ => {}
            }
            j += 1;
        }
    }
    let params = match tokens.get(j) {
        Some(Token::Punct(b'(', _)) => {
            let close = matching(tokens, j, b'(', b')')?;
            let params = parameters(source, &tokens[j + 1..close]);
            j = close + 1;
            params
        }
        _ => Vec::new(),
    };
    // The body: the first `{` outside parentheses and brackets; a `;` first means a
    // declaration without a body.
    let mut depth = 0i32;
    let mut returns_impl = false;
    while j < tokens.len() {
        match &tokens[j] {
            Token::Punct(b'(' | b'[', _) => depth += 1,
            Token::Punct(b')' | b']', _) => depth -= 1,
            Token::Punct(b'{', _) if depth == 0 => {
                return Some(Signature {
                    name,
                    is_const,
                    returns_impl,
                    params,
                    body: Some(j),
                    end: j,
                });
            }
            Token::Punct(b';', _) if depth == 0 => break,
            Token::Word(w) if &source[w.clone()] == "impl" && depth == 0 => returns_impl = true,
            _ => {}
        }
        j += 1;
    }
    Some(Signature {
        name,
        is_const,
        returns_impl,
        params,
        body: None,
        end: j,
    })
}

/// The variables a parameter list binds: `(&self, mut n: u8, (a, b): (u8, u8))` gives
/// `self`, `mut n`, `a` and `b`.
fn parameters(source: &str, tokens: &[Token]) -> Vec<Binding> {
    let mut bindings = Vec::new();
    let mut depth = 0;
    let mut pattern = true;
    let mut start = 0;
    for (k, token) in tokens.iter().enumerate() {
        match token {
            Token::Punct(b'(' | b'[' | b'{' | b'<', _) => depth += 1,
            Token::Punct(b')' | b']' | b'}', _) => depth -= 1,
            Token::Punct(b'>', _)
                if !matches!(tokens.get(k.wrapping_sub(1)), Some(Token::Punct(b'-', _))) =>
            {
                depth -= 1
            }
            Token::Punct(b':', _) if depth == 0 && pattern => {
                bindings.extend(pattern_bindings(source, &tokens[start..k]));
                pattern = false;
            }
            Token::Punct(b',', _) if depth == 0 => {
                if pattern {
                    // A receiver: `self`, `&self`, `&mut self`, `mut self`.
                    bindings.extend(receiver(source, &tokens[start..k]));
                }
                pattern = true;
                start = k + 1;
            }
            _ => {}
        }
    }
    if pattern {
        bindings.extend(receiver(source, &tokens[start..]));
    }
    bindings
}

fn receiver(source: &str, tokens: &[Token]) -> Option<Binding> {
    let is_self = tokens
        .iter()
        .any(|t| matches!(t, Token::Word(w) if &source[w.clone()] == "self"));
    is_self.then(|| Binding {
        name: "self".into(),
        mutable: false,
    })
}

/// The variables a pattern binds: its lower-case words, but for `mut`, `ref` and names
/// that start with `_` (which the compiler never calls unused). Upper-case words are
/// the paths of struct and enum patterns.
fn pattern_bindings(source: &str, tokens: &[Token]) -> Vec<Binding> {
    let mut bindings = Vec::new();
    let mut mutable = false;
    for (k, token) in tokens.iter().enumerate() {
        let Token::Word(range) = token else {
            mutable = false;
            continue;
        };
        let word = &source[range.clone()];
        let is_path = matches!(tokens.get(k + 1), Some(Token::Punct(b':', _)))
            || (k > 0 && matches!(tokens[k - 1], Token::Punct(b':', _)));
        match word {
            "mut" => mutable = true,
            "ref" => {}
            _ if word.starts_with('_')
                || !word.starts_with(|c: char| c.is_ascii_lowercase())
                || is_path =>
            {
                mutable = false
            }
            _ => {
                bindings.push(Binding {
                    name: word.to_owned(),
                    mutable,
                });
                mutable = false;
            }
        }
    }
    bindings
}

/// The variables of the enclosing function (its parameters and the `let`s before the
/// region, in blocks still open there) that the region's code uses: a statement stub
/// must use them, or stubbing the region leaves them unused.
fn outer_bindings_used(source: &str, region: &Region) -> Vec<Binding> {
    let tokens: Vec<Token> = Lexer::new(source, 0..region.body.start).collect();
    // One frame per open brace: the bindings made in it, and whether it is a fn body.
    let mut frames: Vec<(bool, Vec<Binding>)> = Vec::new();
    let mut pending_fn: Option<(usize, Vec<Binding>)> = None;
    let mut k = 0;
    while k < tokens.len() {
        if let Some(signature) = signature_at(source, &tokens, k) {
            if let Some(body) = signature.body {
                pending_fn = Some((body, signature.params));
            }
            k = signature.end;
            continue;
        }
        match &tokens[k] {
            Token::Punct(b'{', _) => match pending_fn.take_if(|(at, _)| *at == k) {
                Some((_, params)) => frames.push((true, params)),
                None => frames.push((false, Vec::new())),
            },
            Token::Punct(b'}', _) => {
                frames.pop();
            }
            Token::Word(w) if &source[w.clone()] == "let" => {
                // `if let` and `while let` bind only inside the block that follows.
                let scoped = k > 0
                    && matches!(&tokens[k - 1], Token::Word(p) if matches!(&source[p.clone()], "if" | "while"));
                let end = (k + 1..tokens.len())
                    .find(|&e| matches!(tokens[e], Token::Punct(b'=' | b';' | b':', _)))
                    .unwrap_or(tokens.len());
                if !scoped && let Some((_, bindings)) = frames.last_mut() {
                    bindings.extend(pattern_bindings(source, &tokens[k + 1..end]));
                }
                k = end;
                continue;
            }
            _ => {}
        }
        k += 1;
    }
    let Some(fn_frame) = frames.iter().rposition(|(is_fn, _)| *is_fn) else {
        return Vec::new();
    };
    let in_scope: Vec<&Binding> = frames[fn_frame..]
        .iter()
        .flat_map(|(_, bindings)| bindings)
        .collect();
    let used = words_used(source, region);
    let mut chosen: Vec<Binding> = Vec::new();
    // The latest binding of a name is the one in scope.
    for binding in in_scope.iter().rev() {
        if used.contains(&binding.name) && !chosen.iter().any(|c| c.name == binding.name) {
            chosen.push((*binding).clone());
        }
    }
    chosen.reverse();
    chosen
}

/// The names a region's code may use as variables: words not after `.` or `::`, and
/// the names inside `{…}` of its string literals (format arguments such as `"{pid}"`).
fn words_used(source: &str, region: &Region) -> Vec<String> {
    let tokens: Vec<Token> = Lexer::new(source, region.body.clone()).collect();
    let mut used = Vec::new();
    for (k, token) in tokens.iter().enumerate() {
        match token {
            Token::Word(range) => {
                let after_path = k > 0 && matches!(tokens[k - 1], Token::Punct(b'.' | b':', _));
                if !after_path {
                    used.push(source[range.clone()].to_owned());
                }
            }
            Token::Str(range) => {
                for piece in source[range.clone()].split('{').skip(1) {
                    let name: String = piece
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    if !name.is_empty() && piece[name.len()..].starts_with(['}', ':']) {
                        used.push(name);
                    }
                }
            }
            Token::Punct(..) => {}
        }
    }
    used
}

fn matching(tokens: &[Token], open: usize, opening: u8, closing: u8) -> Option<usize> {
    let mut depth = 0;
    for (k, token) in tokens.iter().enumerate().skip(open) {
        match token {
            Token::Punct(b, _) if *b == opening => depth += 1,
            Token::Punct(b, _) if *b == closing => {
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

fn matching_brace(tokens: &[Token], open: usize) -> Option<usize> {
    matching(tokens, open, b'{', b'}')
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
    let _ = &signal; // (the stub uses these; your code replaces it)
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
            "    pub fn push(&self, x: u8) -> bool where u8: Copy {\n        let _ = (&self, &x); // (the stub uses these; your code replaces it)\n        todo!(\"exercise queue: write queue\")\n    }\n}\n"
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
    fn a_statement_stub_uses_the_variables_the_region_used() {
        let source = "\
fn main() {
    let args = parse();
    let (pid, _unused) = split(&args);
    let mut count = 3;
    if let Some(gone) = maybe() { drop(gone); }
    let never = 0;
    // EXERCISE: send
    for _ in 0..count {
        count -= 1;
        kill(pid, args.signal).unwrap();
        println!(\"{pid} {gone:?}\");
    }
    // END EXERCISE
    println!(\"{never}\");
}
";
        let stubbed = stub_all(source);
        assert!(
            stubbed.contains(&format!(
                "    // EXERCISE: send\n    let _ = (&args, &pid, &mut count); {STUB_USES}\n    todo!(\"exercise send: write send\");\n"
            )),
            "{stubbed}"
        );
    }

    #[test]
    fn parameters_are_read_through_patterns_generics_and_receivers() {
        let source = "\
impl S {
    // EXERCISE: p
    fn f<F: Fn(u8) -> u8>(&mut self, (a, _b): (u8, u8), mut n: Vec<u8>, Point { x, .. }: Point, f: F) -> u8 {
        1
    }
    // END EXERCISE
}
";
        let stubbed = stub_all(source);
        assert!(
            stubbed.contains(&format!("let _ = (&self, &a, &mut n, &x, &f); {STUB_USES}")),
            "{stubbed}"
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
