//! A stage's `exercise.toml`: what each exercise asks for, where the book teaches it, and
//! its hints, from a gentle nudge to an explicit one.
//!
//! ```toml
//! chapter = "stages/01-naive.md"   # relative to book/src
//!
//! [[exercise]]
//! name = "handler"                 # as in `// EXERCISE: handler`
//! what = "assemble the bits into bytes in the signal handler"
//! section = "The signal handler"   # a heading of the chapter
//! hints = [
//!     "gentle",
//!     "more precise",
//!     "explicit",
//! ]
//! ```
//!
//! The file is TOML; this module reads the part of TOML it needs (tables of arrays
//! `[[exercise]]`, `key = "string"` in any of TOML's four string forms, arrays of strings,
//! comments) and says so, with a line number, for anything else. The order of the
//! `[[exercise]]` tables is the order in which the learner is advised to do them.

use std::collections::BTreeMap;
use std::fmt;

/// The contents of one stage's `exercise.toml`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StageHints {
    /// The stage's chapter, relative to `book/src`.
    pub chapter: Option<String>,
    pub exercises: Vec<ExerciseHints>,
}

/// One `[[exercise]]` table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExerciseHints {
    pub name: String,
    /// What to implement, in one line: the stub's message.
    pub what: String,
    /// The heading of the chapter's section that teaches it.
    pub section: String,
    /// From gentle to explicit.
    pub hints: Vec<String>,
}

impl StageHints {
    pub fn get(&self, name: &str) -> Option<&ExerciseHints> {
        self.exercises.iter().find(|e| e.name == name)
    }
}

/// An error in the file, with the line it is on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Value {
    Str(String),
    Array(Vec<String>),
}

/// Keys and values of a table, each with the line it is on.
type Table = BTreeMap<String, (usize, Value)>;

/// Parse an `exercise.toml`.
pub fn parse(text: &str) -> Result<StageHints, ParseError> {
    let mut parser = Parser {
        chars: text.chars().collect(),
        at: 0,
        line: 1,
    };
    let mut top = Table::new();
    let mut tables: Vec<(usize, Table)> = Vec::new();
    loop {
        parser.skip_blank_lines()?;
        let Some(c) = parser.peek() else { break };
        let line = parser.line;
        if c == '[' {
            parser.expect_str("[[exercise]]")?;
            parser.end_of_line()?;
            tables.push((line, BTreeMap::new()));
            continue;
        }
        let key = parser.key()?;
        parser.skip_spaces();
        parser.expect_str("=")?;
        parser.skip_spaces();
        let value = parser.value()?;
        parser.end_of_line()?;
        let table = match tables.last_mut() {
            Some((_, table)) => table,
            None => &mut top,
        };
        if table.insert(key.clone(), (line, value)).is_some() {
            return Err(ParseError {
                line,
                message: format!("{key} is defined twice"),
            });
        }
    }

    let mut hints = StageHints::default();
    for (key, (line, value)) in top {
        match (key.as_str(), value) {
            ("chapter", Value::Str(s)) => hints.chapter = Some(s),
            (other, _) => {
                return Err(ParseError {
                    line,
                    message: format!("unknown key {other:?} before the first [[exercise]]"),
                });
            }
        }
    }
    for (table_line, table) in tables {
        let mut exercise = ExerciseHints::default();
        for (key, (line, value)) in table {
            match (key.as_str(), value) {
                ("name", Value::Str(s)) => exercise.name = s,
                ("what", Value::Str(s)) => exercise.what = s,
                ("section", Value::Str(s)) => exercise.section = s,
                ("hints", Value::Array(a)) => exercise.hints = a,
                (other, _) => {
                    return Err(ParseError {
                        line,
                        message: format!(
                            "unknown key {other:?} or wrong kind of value (expected name, what, section: strings; hints: an array of strings)"
                        ),
                    });
                }
            }
        }
        if exercise.name.is_empty() {
            return Err(ParseError {
                line: table_line,
                message: "an [[exercise]] without a name".into(),
            });
        }
        if hints.get(&exercise.name).is_some() {
            return Err(ParseError {
                line: table_line,
                message: format!("exercise {:?} is described twice", exercise.name),
            });
        }
        hints.exercises.push(exercise);
    }
    Ok(hints)
}

struct Parser {
    chars: Vec<char>,
    at: usize,
    line: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn starts_with(&self, s: &str) -> bool {
        s.chars()
            .enumerate()
            .all(|(k, c)| self.chars.get(self.at + k) == Some(&c))
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.at += 1;
        if c == '\n' {
            self.line += 1;
        }
        Some(c)
    }

    fn error<T>(&self, message: impl Into<String>) -> Result<T, ParseError> {
        Err(ParseError {
            line: self.line,
            message: message.into(),
        })
    }

    fn expect_str(&mut self, s: &str) -> Result<(), ParseError> {
        if !self.starts_with(s) {
            return self.error(format!("expected {s:?}"));
        }
        for _ in s.chars() {
            self.bump();
        }
        Ok(())
    }

    fn skip_spaces(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t')) {
            self.bump();
        }
    }

    fn skip_comment(&mut self) {
        if self.peek() == Some('#') {
            while self.peek().is_some_and(|c| c != '\n') {
                self.bump();
            }
        }
    }

    /// Skip spaces, comments and newlines (between statements and inside arrays).
    fn skip_blank_lines(&mut self) -> Result<(), ParseError> {
        loop {
            self.skip_spaces();
            self.skip_comment();
            match self.peek() {
                Some('\n') => {
                    self.bump();
                }
                Some('\r') if self.chars.get(self.at + 1) == Some(&'\n') => {
                    self.bump();
                }
                _ => return Ok(()),
            }
        }
    }

    fn end_of_line(&mut self) -> Result<(), ParseError> {
        self.skip_spaces();
        self.skip_comment();
        if self.peek() == Some('\r') {
            self.bump();
        }
        match self.peek() {
            None => Ok(()),
            Some('\n') => {
                self.bump();
                Ok(())
            }
            Some(c) => self.error(format!("unexpected {c:?} after the value")),
        }
    }

    fn key(&mut self) -> Result<String, ParseError> {
        let mut key = String::new();
        while let Some(c) = self
            .peek()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        {
            key.push(c);
            self.bump();
        }
        if key.is_empty() {
            return self.error("expected a key (this reader knows `key = value` and [[exercise]])");
        }
        Ok(key)
    }

    fn value(&mut self) -> Result<Value, ParseError> {
        match self.peek() {
            Some('"' | '\'') => Ok(Value::Str(self.string()?)),
            Some('[') => {
                self.bump();
                let mut items = Vec::new();
                loop {
                    self.skip_blank_lines()?;
                    if self.peek() == Some(']') {
                        self.bump();
                        return Ok(Value::Array(items));
                    }
                    items.push(self.string()?);
                    self.skip_blank_lines()?;
                    match self.peek() {
                        Some(',') => {
                            self.bump();
                        }
                        Some(']') => {}
                        _ => return self.error("expected `,` or `]` in the array"),
                    }
                }
            }
            _ => self.error("expected a string or an array of strings"),
        }
    }

    fn string(&mut self) -> Result<String, ParseError> {
        let start_line = self.line;
        let unterminated = |line| ParseError {
            line,
            message: "a string that never ends".into(),
        };
        if self.starts_with("'''") || self.starts_with("\"\"\"") {
            let quote = self.peek().unwrap();
            let literal = quote == '\'';
            let delimiter: String = [quote; 3].iter().collect();
            self.expect_str(&delimiter)?;
            // A newline right after the opening delimiter is not part of the string.
            if self.starts_with("\r\n") {
                self.bump();
            }
            if self.peek() == Some('\n') {
                self.bump();
            }
            let mut out = String::new();
            loop {
                if self.starts_with(&delimiter) {
                    // Up to two quotes may end the string's content before the delimiter.
                    while self.starts_with(&format!("{delimiter}{quote}")) {
                        out.push(quote);
                        self.bump();
                    }
                    self.expect_str(&delimiter)?;
                    return Ok(out);
                }
                match self.bump() {
                    None => return Err(unterminated(start_line)),
                    Some('\\') if !literal => {
                        // A backslash at the end of a line trims the newline and the
                        // whitespace that follows.
                        let mut probe = self.at;
                        while matches!(self.chars.get(probe), Some(' ' | '\t')) {
                            probe += 1;
                        }
                        if matches!(self.chars.get(probe), Some('\n' | '\r')) {
                            while self
                                .peek()
                                .is_some_and(|c| matches!(c, ' ' | '\t' | '\n' | '\r'))
                            {
                                self.bump();
                            }
                        } else {
                            out.push(self.escape()?);
                        }
                    }
                    Some('\r') if self.peek() == Some('\n') => {}
                    Some(c) => out.push(c),
                }
            }
        }
        let quote = self.bump().unwrap();
        let mut out = String::new();
        loop {
            match self.bump() {
                None | Some('\n') => return Err(unterminated(start_line)),
                Some(c) if c == quote => return Ok(out),
                Some('\\') if quote == '"' => out.push(self.escape()?),
                Some(c) => out.push(c),
            }
        }
    }

    /// The character a backslash escape stands for (the backslash already read).
    fn escape(&mut self) -> Result<char, ParseError> {
        let c = match self.bump() {
            Some('n') => '\n',
            Some('t') => '\t',
            Some('r') => '\r',
            Some('b') => '\u{8}',
            Some('f') => '\u{c}',
            Some('e') => '\u{1b}',
            Some('"') => '"',
            Some('\\') => '\\',
            Some(u @ ('u' | 'U')) => {
                let digits = if u == 'u' { 4 } else { 8 };
                let mut hex = String::new();
                for _ in 0..digits {
                    hex.extend(self.bump());
                }
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(c) => c,
                    None => return self.error(format!("bad escape \\{u}{hex}")),
                }
            }
            other => return self.error(format!("unknown escape \\{}", other.unwrap_or(' '))),
        };
        Ok(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_subset_of_toml_that_hint_files_use() {
        let text = r#"
# A comment.
chapter = "stages/01-naive.md"

[[exercise]]
name = "handler"   # trailing comment
what = 'assemble the bits: a "literal" string'
section = "The signal handler"
hints = [
    "first \"gentle\"\tone",
    """
second, on
two lines""",
    '''third \n is literal''', # comment in an array
]

[[exercise]]
name = "send"
what = """send \
        the bits"""
hints = []
"#;
        let hints = parse(text).unwrap();
        assert_eq!(hints.chapter.as_deref(), Some("stages/01-naive.md"));
        assert_eq!(hints.exercises.len(), 2);
        let handler = hints.get("handler").unwrap();
        assert_eq!(handler.what, "assemble the bits: a \"literal\" string");
        assert_eq!(handler.section, "The signal handler");
        assert_eq!(
            handler.hints,
            [
                "first \"gentle\"\tone",
                "second, on\ntwo lines",
                "third \\n is literal"
            ]
        );
        let send = hints.get("send").unwrap();
        assert_eq!(send.what, "send the bits");
        assert!(send.hints.is_empty());
    }

    #[test]
    fn says_where_it_cannot_follow() {
        let unknown = "[[exercise]]\nname = \"a\"\nlevel = 3\n";
        assert_eq!(parse(unknown).unwrap_err().line, 3);
        let table = "[exercise]\n";
        assert_eq!(parse(table).unwrap_err().line, 1);
        let twice = "[[exercise]]\nname = \"a\"\n[[exercise]]\nname = \"a\"\n";
        assert_eq!(parse(twice).unwrap_err().line, 3);
        let unterminated = "chapter = \"x\n";
        assert_eq!(parse(unterminated).unwrap_err().line, 1);
        let nameless = "[[exercise]]\nwhat = \"x\"\n";
        assert!(parse(nameless).is_err());
    }
}
