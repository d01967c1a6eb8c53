//! Python literals as `ast.literal_eval` reads them, and the few Python conversions and
//! representations OpenQuake's validators rely on (`float()`, `int()`, `str.split()`,
//! `repr()`), so that values are accepted and rejected, and errors worded, as OpenQuake does.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

/// Deepest bracket nesting accepted in a literal (Python's own parser stops near 200).
const MAX_DEPTH: usize = 100;

/// A Python literal as [`literal_eval`] reads it from a job.ini value (the one parser of
/// such literals in oqcloud).
#[derive(Debug, Clone, PartialEq)]
pub enum Py {
    /// `None`.
    None,
    /// `True` or `False`.
    Bool(bool),
    /// An integer (limited to 64 bits).
    Int(i64),
    /// A float.
    Float(f64),
    /// A string, escapes resolved and adjacent literals concatenated.
    Str(String),
    /// `[...]`.
    List(Vec<Py>),
    /// `(...)`, or bare comma-separated values.
    Tuple(Vec<Py>),
    /// `{a, b}` or `set()`, duplicates removed as Python does.
    Set(Vec<Py>),
    /// Key/value pairs in insertion order, keys unique as Python compares them.
    Dict(Vec<(Py, Py)>),
}

/// What Python hashes and compares a dict key or set element by (`1 == 1.0 == True`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum HashKey {
    None,
    Int(i64),
    Float(u64),
    Str(String),
    Tuple(Vec<HashKey>),
}

impl Py {
    /// The number this value stands for, if it is one (`bool` is an `int` in Python).
    pub fn number(&self) -> Option<f64> {
        match self {
            Py::Bool(b) => Some(f64::from(u8::from(*b))),
            Py::Int(i) => Some(*i as f64),
            Py::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// Python's type name, as error messages quote it.
    pub fn type_name(&self) -> &'static str {
        match self {
            Py::None => "NoneType",
            Py::Bool(_) => "bool",
            Py::Int(_) => "int",
            Py::Float(_) => "float",
            Py::Str(_) => "str",
            Py::List(_) => "list",
            Py::Tuple(_) => "tuple",
            Py::Set(_) => "set",
            Py::Dict(_) => "dict",
        }
    }

    /// Python's `repr()`.
    pub fn repr(&self) -> String {
        let mut out = String::new();
        self.write_repr(&mut out);
        out
    }

    fn write_repr(&self, out: &mut String) {
        fn items(out: &mut String, items: &[Py]) {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                item.write_repr(out);
            }
        }
        match self {
            Py::None => out.push_str("None"),
            Py::Bool(true) => out.push_str("True"),
            Py::Bool(false) => out.push_str("False"),
            Py::Int(i) => {
                let _ = write!(out, "{i}");
            }
            Py::Float(f) => out.push_str(&float_repr(*f)),
            Py::Str(s) => out.push_str(&str_repr(s)),
            Py::List(v) => {
                out.push('[');
                items(out, v);
                out.push(']');
            }
            Py::Tuple(v) => {
                out.push('(');
                items(out, v);
                if v.len() == 1 {
                    out.push(',');
                }
                out.push(')');
            }
            Py::Set(v) if v.is_empty() => out.push_str("set()"),
            Py::Set(v) => {
                out.push('{');
                items(out, v);
                out.push('}');
            }
            Py::Dict(d) => {
                out.push('{');
                for (i, (k, v)) in d.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    k.write_repr(out);
                    out.push_str(": ");
                    v.write_repr(out);
                }
                out.push('}');
            }
        }
    }

    fn hash_key(&self) -> Result<HashKey, String> {
        Ok(match self {
            Py::None => HashKey::None,
            Py::Bool(b) => HashKey::Int(i64::from(*b)),
            Py::Int(i) => HashKey::Int(*i),
            Py::Float(f) => {
                // i64::MIN as f64 is exact; anything below 2^63 in magnitude fits.
                if f.fract() == 0.0
                    && *f >= -9.223_372_036_854_776e18
                    && *f < 9.223_372_036_854_776e18
                {
                    HashKey::Int(*f as i64)
                } else {
                    HashKey::Float(f.to_bits())
                }
            }
            Py::Str(s) => HashKey::Str(s.clone()),
            Py::Tuple(v) => HashKey::Tuple(v.iter().map(Py::hash_key).collect::<Result<_, _>>()?),
            other => return Err(format!("unhashable type: '{}'", other.type_name())),
        })
    }

    /// Python's `dict(value)`: a dict as is, or an iterable of key/value pairs.
    pub(crate) fn into_dict(self) -> Result<Vec<(Py, Py)>, String> {
        let elements = match self {
            Py::Dict(d) => return Ok(d),
            Py::List(v) | Py::Tuple(v) | Py::Set(v) => v,
            Py::Str(s) => s.chars().map(|c| Py::Str(c.to_string())).collect(),
            other => {
                return Err(format!("'{}' object is not iterable", other.type_name()));
            }
        };
        let mut pairs = Vec::with_capacity(elements.len());
        for (i, element) in elements.into_iter().enumerate() {
            let pair = match element {
                Py::List(v) | Py::Tuple(v) => v,
                Py::Str(s) => s.chars().map(|c| Py::Str(c.to_string())).collect(),
                _ => {
                    return Err(format!(
                        "cannot convert dictionary update sequence element #{i} to a sequence"
                    ));
                }
            };
            let len = pair.len();
            let mut it = pair.into_iter();
            match (it.next(), it.next(), len) {
                (Some(k), Some(v), 2) => pairs.push((k, v)),
                _ => {
                    return Err(format!(
                        "dictionary update sequence element #{i} has length {len}; 2 is required"
                    ));
                }
            }
        }
        dedup_pairs(pairs)
    }
}

/// Keeps the first position and the last value of equal keys, as a Python dict does.
fn dedup_pairs(pairs: Vec<(Py, Py)>) -> Result<Vec<(Py, Py)>, String> {
    let mut out: Vec<(Py, Py)> = Vec::with_capacity(pairs.len());
    let mut index: HashMap<HashKey, usize> = HashMap::new();
    for (k, v) in pairs {
        match index.entry(k.hash_key()?) {
            Entry::Occupied(slot) => out[*slot.get()].1 = v,
            Entry::Vacant(slot) => {
                slot.insert(out.len());
                out.push((k, v));
            }
        }
    }
    Ok(out)
}

/// Python's `float(text)` for a string.
pub(crate) fn py_float(text: &str) -> Result<f64, String> {
    let err = || format!("could not convert string to float: {}", str_repr(text));
    let s = py_strip(text);
    let (sign, body) = match s.strip_prefix('-') {
        Some(rest) => (-1.0, rest),
        None => (1.0, s.strip_prefix('+').unwrap_or(s)),
    };
    let lower = body.to_ascii_lowercase();
    match lower.as_str() {
        "inf" | "infinity" => return Ok(sign * f64::INFINITY),
        "nan" => return Ok(f64::NAN),
        _ => {}
    }
    let digits = strip_underscores(body).ok_or_else(err)?;
    if !digits.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        || !digits
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
        || !digits.bytes().any(|b| b.is_ascii_digit())
    {
        return Err(err());
    }
    digits.parse::<f64>().map(|f| sign * f).map_err(|_| err())
}

/// Python's `int(text)` for a string (base 10), limited to the 64-bit range.
pub(crate) fn py_int(text: &str) -> Result<i64, String> {
    let err = || format!("invalid literal for int() with base 10: {}", str_repr(text));
    let s = py_strip(text);
    let (negative, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let digits = strip_underscores(body).ok_or_else(err)?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(err());
    }
    let signed = if negative {
        format!("-{digits}")
    } else {
        digits
    };
    signed
        .parse::<i64>()
        .map_err(|_| format!("integer {} is too large", py_strip(text)))
}

/// Removes the underscores Python allows between two digits; `None` if one is misplaced.
fn strip_underscores(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.char_indices() {
        if c == '_' {
            let before = i > 0 && bytes[i - 1].is_ascii_digit();
            let after = bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
            if !(before && after) {
                return None;
            }
        } else {
            out.push(c);
        }
    }
    Some(out)
}

/// Python's `str.isspace()` for one character.
pub(crate) fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

/// Python's `str.strip()`.
pub(crate) fn py_strip(s: &str) -> &str {
    s.trim_matches(is_py_space)
}

/// Python's `str.split()` without arguments.
pub(crate) fn py_split(s: &str) -> impl Iterator<Item = &str> {
    s.split(is_py_space).filter(|w| !w.is_empty())
}

/// Python's `repr()` of a float: the shortest round-trip digits, exponent form outside
/// `1e-4 <= |f| < 1e16`.
pub fn float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    // the shortest digits that read back as `f`; among those, the nearest to `f`
    let shortest = format!("{:e}", f.abs());
    let n = shortest
        .split_once('e')
        .map_or(1, |(m, _)| m.chars().filter(char::is_ascii_digit).count());
    let nearest = format!("{:.*e}", n - 1, f.abs());
    let sci = if nearest.parse::<f64>() == Ok(f.abs()) {
        nearest
    } else {
        shortest
    };
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let sign = if f.is_sign_negative() { "-" } else { "" };
    let decpt = exp + 1; // value = 0.DIGITS * 10^decpt
    let n = digits.len() as i32;
    if -4 < decpt && decpt <= 16 {
        if decpt <= 0 {
            format!("{sign}0.{}{digits}", "0".repeat((-decpt) as usize))
        } else if decpt >= n {
            format!("{sign}{digits}{}.0", "0".repeat((decpt - n) as usize))
        } else {
            let (int, frac) = digits.split_at(decpt as usize);
            format!("{sign}{int}.{frac}")
        }
    } else {
        let (first, rest) = digits.split_at(1);
        let dot = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let esign = if exp < 0 { '-' } else { '+' };
        format!("{sign}{first}{dot}e{esign}{:02}", exp.abs())
    }
}

/// Python's `repr()` of a string.
pub(crate) fn str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if is_printable(c) => out.push(c),
            c if (c as u32) < 0x100 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if (c as u32) < 0x10000 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
    }
    out.push(quote);
    out
}

/// Close to Python's `str.isprintable()`: controls, separators other than the space and
/// the common invisible format characters are not.
fn is_printable(c: char) -> bool {
    !(c.is_control()
        || (c != ' ' && is_py_space(c))
        || matches!(c, '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}' | '\u{feff}'))
}

/// Python's `ast.literal_eval(text)` for the literals a job.ini may hold: numbers,
/// strings, `True`/`False`/`None`, tuples, lists, dicts and sets, with comments and
/// line breaks inside brackets.
///
/// Calls such as `logscale(a, b, n)` are not literals and are rejected, as Python does; the
/// validated values of the parameters that accept them are read through
/// [`JobIni`](super::JobIni)'s accessors. The error is Python's message.
pub fn literal_eval(text: &str) -> Result<Py, String> {
    let mut p = LiteralParser {
        chars: text.trim_start_matches([' ', '\t']).chars().collect(),
        pos: 0,
    };
    p.skip_blank(true);
    let value = p.expression_list(0)?;
    p.skip_blank(true);
    if p.pos < p.chars.len() {
        return Err(p.syntax_error());
    }
    Ok(value)
}

struct LiteralParser {
    chars: Vec<char>,
    pos: usize,
}

impl LiteralParser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<char> {
        self.chars.get(self.pos + offset).copied()
    }

    fn syntax_error(&self) -> String {
        let line = 1 + self.chars[..self.pos.min(self.chars.len())]
            .iter()
            .filter(|&&c| c == '\n')
            .count();
        format!("invalid syntax (<unknown>, line {line})")
    }

    /// Skips blanks, comments and escaped line breaks; line breaks too when `newlines`
    /// (inside brackets, or after the end of the expression).
    fn skip_blank(&mut self, newlines: bool) {
        while let Some(c) = self.peek() {
            match c {
                ' ' | '\t' | '\x0c' => self.pos += 1,
                '\\' if self.peek_at(1) == Some('\n') => self.pos += 2,
                '\n' if newlines => self.pos += 1,
                '#' => {
                    while self.peek().is_some_and(|c| c != '\n') {
                        self.pos += 1;
                    }
                }
                _ => break,
            }
        }
    }

    fn eat(&mut self, c: char, depth: usize) -> bool {
        self.skip_blank(depth > 0);
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// `a` or `a, b, ...` (a tuple) up to a closing bracket or the end.
    fn expression_list(&mut self, depth: usize) -> Result<Py, String> {
        let first = self.element(depth)?;
        if !self.eat(',', depth) {
            return Ok(first);
        }
        let mut items = vec![first];
        loop {
            self.skip_blank(depth > 0);
            match self.peek() {
                None | Some(')' | ']' | '}' | '\n') => break,
                _ => {}
            }
            items.push(self.element(depth)?);
            if !self.eat(',', depth) {
                break;
            }
        }
        Ok(Py::Tuple(items))
    }

    /// One literal, possibly signed.
    fn element(&mut self, depth: usize) -> Result<Py, String> {
        if depth > MAX_DEPTH {
            return Err("too many nested brackets".into());
        }
        self.skip_blank(depth > 0);
        match self.peek() {
            Some(sign @ ('-' | '+')) => {
                self.pos += 1;
                self.skip_blank(depth > 0);
                if matches!(self.peek(), Some('-' | '+')) {
                    return Err("malformed node or string".into());
                }
                match self.atom(depth)? {
                    Py::Int(i) if sign == '-' => i
                        .checked_neg()
                        .map(Py::Int)
                        .ok_or_else(|| "integer literal too large".into()),
                    Py::Float(f) if sign == '-' => Ok(Py::Float(-f)),
                    v @ (Py::Int(_) | Py::Float(_)) => Ok(v),
                    _ => Err("malformed node or string".into()),
                }
            }
            _ => self.atom(depth),
        }
    }

    fn atom(&mut self, depth: usize) -> Result<Py, String> {
        let Some(c) = self.peek() else {
            return Err(self.syntax_error());
        };
        match c {
            '(' => {
                self.pos += 1;
                if self.eat(')', depth + 1) {
                    return Ok(Py::Tuple(vec![]));
                }
                let inner = self.expression_list(depth + 1)?;
                if !self.eat(')', depth + 1) {
                    return Err(self.syntax_error());
                }
                Ok(inner)
            }
            '[' => {
                self.pos += 1;
                let items = self.sequence(']', depth + 1)?;
                Ok(Py::List(items))
            }
            '{' => {
                self.pos += 1;
                self.brace(depth + 1)
            }
            '0'..='9' => self.number(),
            '.' if self.peek_at(1).is_some_and(|c| c.is_ascii_digit()) => self.number(),
            '\'' | '"' => self.strings(),
            c if c.is_alphabetic() || c == '_' => {
                let start = self.pos;
                while self.peek().is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    self.pos += 1;
                }
                let word: String = self.chars[start..self.pos].iter().collect();
                if matches!(self.peek(), Some('\'' | '"')) {
                    let lower = word.to_ascii_lowercase();
                    if lower == "r" || lower == "u" {
                        return self.strings_from(start);
                    }
                    return Err("malformed node or string".into());
                }
                match word.as_str() {
                    "set" if self.eat('(', depth + 1) && self.eat(')', depth + 1) => {
                        Ok(Py::Set(vec![]))
                    }
                    "True" => Ok(Py::Bool(true)),
                    "False" => Ok(Py::Bool(false)),
                    "None" => Ok(Py::None),
                    _ => Err(format!("malformed node or string: name '{word}'")),
                }
            }
            _ => Err(self.syntax_error()),
        }
    }

    /// Comma-separated elements up to `close`, trailing comma allowed.
    fn sequence(&mut self, close: char, depth: usize) -> Result<Vec<Py>, String> {
        let mut items = Vec::new();
        loop {
            if self.eat(close, depth) {
                return Ok(items);
            }
            items.push(self.element(depth)?);
            if !self.eat(',', depth) {
                if self.eat(close, depth) {
                    return Ok(items);
                }
                return Err(self.syntax_error());
            }
        }
    }

    /// A dict or a set, after `{`.
    fn brace(&mut self, depth: usize) -> Result<Py, String> {
        if self.eat('}', depth) {
            return Ok(Py::Dict(vec![]));
        }
        let first = self.element(depth)?;
        if self.eat(':', depth) {
            let mut pairs = vec![(first, self.element(depth)?)];
            loop {
                if !self.eat(',', depth) {
                    break;
                }
                if self.eat('}', depth) {
                    return dedup_pairs(pairs).map(Py::Dict);
                }
                let key = self.element(depth)?;
                if !self.eat(':', depth) {
                    return Err(self.syntax_error());
                }
                pairs.push((key, self.element(depth)?));
            }
            if !self.eat('}', depth) {
                return Err(self.syntax_error());
            }
            return dedup_pairs(pairs).map(Py::Dict);
        }
        let mut items = vec![first];
        if self.eat(',', depth) {
            items.extend(self.sequence('}', depth)?);
        } else if !self.eat('}', depth) {
            return Err(self.syntax_error());
        }
        let mut seen = HashSet::new();
        let mut unique = Vec::with_capacity(items.len());
        for item in items {
            if seen.insert(item.hash_key()?) {
                unique.push(item);
            }
        }
        Ok(Py::Set(unique))
    }

    /// An int or float literal, with Python's tokenizer rules.
    fn number(&mut self) -> Result<Py, String> {
        let start = self.pos;
        let is_digit_or_us = |c: char| c.is_ascii_alphanumeric() || c == '_';
        if self.peek() == Some('0') && self.peek_at(1).is_some_and(|c| "xXoObB".contains(c)) {
            let radix = match self.peek_at(1) {
                Some('x' | 'X') => 16,
                Some('o' | 'O') => 8,
                _ => 2,
            };
            self.pos += 2;
            while self.peek().is_some_and(is_digit_or_us) {
                self.pos += 1;
            }
            let body: String = self.chars[start + 2..self.pos].iter().collect();
            let clean = body.strip_prefix('_').unwrap_or(&body);
            let valid = !clean.is_empty()
                && !clean.ends_with('_')
                && !clean.contains("__")
                && clean.chars().all(|c| c == '_' || c.is_digit(radix));
            if !valid {
                return Err(self.syntax_error());
            }
            let digits: String = clean.chars().filter(|&c| c != '_').collect();
            return i64::from_str_radix(&digits, radix)
                .map(Py::Int)
                .map_err(|_| "integer literal too large".into());
        }
        let digit_part = |p: &mut Self| -> bool {
            let begin = p.pos;
            while let Some(c) = p.peek() {
                let underscore =
                    c == '_' && p.pos > begin && p.peek_at(1).is_some_and(|d| d.is_ascii_digit());
                if !(c.is_ascii_digit() || underscore) {
                    break;
                }
                p.pos += 1;
            }
            p.pos > begin
        };
        let int_part = digit_part(self);
        let mut is_float = false;
        if self.peek() == Some('.') {
            self.pos += 1;
            is_float = true;
            let frac = digit_part(self);
            if !int_part && !frac {
                return Err(self.syntax_error());
            }
        }
        if matches!(self.peek(), Some('e' | 'E')) {
            let save = self.pos;
            self.pos += 1;
            if matches!(self.peek(), Some('+' | '-')) {
                self.pos += 1;
            }
            if digit_part(self) {
                is_float = true;
            } else {
                self.pos = save;
            }
        }
        if self
            .peek()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.')
        {
            return Err(self.syntax_error());
        }
        let text: String = self.chars[start..self.pos]
            .iter()
            .filter(|&&c| c != '_')
            .collect();
        if is_float {
            return text
                .parse::<f64>()
                .map(Py::Float)
                .map_err(|_| self.syntax_error());
        }
        if text.len() > 1 && text.starts_with('0') && text.bytes().any(|b| b != b'0') {
            return Err("leading zeros in decimal integer literals are not permitted".into());
        }
        text.parse::<i64>()
            .map(Py::Int)
            .map_err(|_| "integer literal too large".into())
    }

    /// One or more adjacent string literals, concatenated.
    fn strings(&mut self) -> Result<Py, String> {
        self.strings_from(self.pos)
    }

    fn strings_from(&mut self, start: usize) -> Result<Py, String> {
        self.pos = start;
        let mut out = String::new();
        loop {
            let mut raw = false;
            while let Some(c) = self.peek() {
                match c {
                    'r' | 'R' => raw = true,
                    'u' | 'U' => {}
                    _ => break,
                }
                self.pos += 1;
            }
            self.string_literal(raw, &mut out)?;
            // a following literal on the same logical line is concatenated
            let save = self.pos;
            self.skip_blank(false);
            let prefixed = matches!(
                (self.peek(), self.peek_at(1)),
                (Some('r' | 'R' | 'u' | 'U'), Some('\'' | '"')) | (Some('\'' | '"'), _)
            );
            if !prefixed {
                self.pos = save;
                return Ok(Py::Str(out));
            }
        }
    }

    fn string_literal(&mut self, raw: bool, out: &mut String) -> Result<(), String> {
        let Some(quote) = self.peek() else {
            return Err(self.syntax_error());
        };
        let triple = self.peek_at(1) == Some(quote) && self.peek_at(2) == Some(quote);
        self.pos += if triple { 3 } else { 1 };
        loop {
            let Some(c) = self.peek() else {
                return Err("unterminated string literal".into());
            };
            if c == quote {
                if !triple {
                    self.pos += 1;
                    return Ok(());
                }
                if self.peek_at(1) == Some(quote) && self.peek_at(2) == Some(quote) {
                    self.pos += 3;
                    return Ok(());
                }
            }
            if c == '\n' && !triple {
                return Err("unterminated string literal".into());
            }
            self.pos += 1;
            if c != '\\' {
                out.push(c);
                continue;
            }
            let Some(next) = self.peek() else {
                return Err("unterminated string literal".into());
            };
            self.pos += 1;
            if raw {
                out.push('\\');
                out.push(next);
                continue;
            }
            match next {
                '\n' => {}
                '\\' | '\'' | '"' => out.push(next),
                'a' => out.push('\x07'),
                'b' => out.push('\x08'),
                'f' => out.push('\x0c'),
                'n' => out.push('\n'),
                'r' => out.push('\r'),
                't' => out.push('\t'),
                'v' => out.push('\x0b'),
                '0'..='7' => {
                    let mut code = next.to_digit(8).unwrap_or(0);
                    for _ in 0..2 {
                        match self.peek().and_then(|c| c.to_digit(8)) {
                            Some(d) => {
                                code = code * 8 + d;
                                self.pos += 1;
                            }
                            None => break,
                        }
                    }
                    out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                }
                'x' | 'u' | 'U' => {
                    let len = match next {
                        'x' => 2,
                        'u' => 4,
                        _ => 8,
                    };
                    let hex: String = self.chars.iter().skip(self.pos).take(len).collect();
                    let code = (hex.len() == len)
                        .then(|| u32::from_str_radix(&hex, 16).ok())
                        .flatten()
                        .and_then(char::from_u32)
                        .ok_or_else(|| format!("(unicode error) truncated \\{next} escape"))?;
                    self.pos += len;
                    out.push(code);
                }
                other => {
                    out.push('\\');
                    out.push(other);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_like_python() {
        assert_eq!(literal_eval("200").unwrap(), Py::Int(200));
        assert_eq!(literal_eval("-1.5e3").unwrap(), Py::Float(-1500.0));
        assert_eq!(literal_eval("1_000").unwrap(), Py::Int(1000));
        assert_eq!(literal_eval("0x1F").unwrap(), Py::Int(31));
        assert_eq!(literal_eval(".5").unwrap(), Py::Float(0.5));
        assert_eq!(literal_eval("'a' \"b\"").unwrap(), Py::Str("ab".into()));
        assert_eq!(literal_eval(r"'\x41\n'").unwrap(), Py::Str("A\n".into()));
        assert_eq!(literal_eval(r"r'\d'").unwrap(), Py::Str("\\d".into()));
        assert_eq!(literal_eval("(1,)").unwrap(), Py::Tuple(vec![Py::Int(1)]));
        assert_eq!(
            literal_eval("5, 100").unwrap(),
            Py::Tuple(vec![Py::Int(5), Py::Int(100)])
        );
        assert_eq!(literal_eval("(1)").unwrap(), Py::Int(1));
        assert_eq!(
            literal_eval("{1, 1.0, True}").unwrap(),
            Py::Set(vec![Py::Int(1)])
        );
        let d =
            literal_eval("{'default': [(5, 100), (7, 200)],\n # comment\n 'x': None,}").unwrap();
        assert_eq!(
            d,
            Py::Dict(vec![
                (
                    Py::Str("default".into()),
                    Py::List(vec![
                        Py::Tuple(vec![Py::Int(5), Py::Int(100)]),
                        Py::Tuple(vec![Py::Int(7), Py::Int(200)]),
                    ])
                ),
                (Py::Str("x".into()), Py::None),
            ])
        );
        // later duplicates replace the value but keep the first position
        assert_eq!(
            literal_eval("{'a': 1, 'b': 2, 'a': 3}").unwrap().repr(),
            "{'a': 3, 'b': 2}"
        );
        assert_eq!(literal_eval("{}  # empty").unwrap(), Py::Dict(vec![]));
    }

    #[test]
    fn literal_errors() {
        for bad in [
            "",
            "abc",
            "1 2",
            "01",
            "1__0",
            "--1",
            "[1,",
            "{'a' 1}",
            "{[1]: 2}",
            "'abc",
            "1\n2",
            "f'x'",
            "b'x'",
            "1.2.3",
            "1e",
            "0x",
            "logscale(1, 2, 3)",
            "(,)",
            "[,]",
            "{,}",
        ] {
            assert!(literal_eval(bad).is_err(), "{bad:?} must be rejected");
        }
        assert_eq!(
            literal_eval("1e").unwrap_err(),
            "invalid syntax (<unknown>, line 1)"
        );
        let deep = "[".repeat(1000) + &"]".repeat(1000);
        assert_eq!(literal_eval(&deep).unwrap_err(), "too many nested brackets");
    }

    #[test]
    fn float_and_int_conversions() {
        assert_eq!(py_float(" 50 ").unwrap(), 50.0);
        assert_eq!(py_float("1_0.5").unwrap(), 10.5);
        assert_eq!(py_float("-Infinity").unwrap(), f64::NEG_INFINITY);
        assert!(py_float("nan").unwrap().is_nan());
        assert_eq!(
            py_float("abc").unwrap_err(),
            "could not convert string to float: 'abc'"
        );
        assert!(py_float("1_").is_err() && py_float("").is_err() && py_float("e5").is_err());
        assert!(py_float("--1").is_err() && py_float("+-1").is_err());
        assert_eq!(py_int("+007").unwrap(), 7);
        assert_eq!(
            py_int("1.5").unwrap_err(),
            "invalid literal for int() with base 10: '1.5'"
        );
        assert!(py_int("99999999999999999999").is_err());
    }

    #[test]
    fn reprs_like_python() {
        for (f, s) in [
            (-50.0, "-50.0"),
            (0.1, "0.1"),
            (1e16, "1e+16"),
            (1234567890123456.0, "1234567890123456.0"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.5e-7, "1.5e-07"),
            (2e11, "200000000000.0"),
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (f64::INFINITY, "inf"),
        ] {
            assert_eq!(float_repr(f), s);
        }
        assert_eq!(str_repr("it's"), "\"it's\"");
        assert_eq!(str_repr("a\nb\u{7}"), "'a\\nb\\x07'");
        assert_eq!(
            literal_eval("[(1,), {'a': None}, set( )]").unwrap().repr(),
            "[(1,), {'a': None}, set()]"
        );
        assert!(literal_eval("set(1)").is_err() && literal_eval("sets()").is_err());
        // a tie between two shortest forms goes to the nearest, then to the even digit
        assert_eq!(
            float_repr(770_882_307_771_754.0 + 0.25),
            "770882307771754.2"
        );
        assert_eq!(
            literal_eval("[(1,), {'a': None}, {2}]").unwrap().repr(),
            "[(1,), {'a': None}, {2}]"
        );
    }

    #[test]
    fn dict_conversion() {
        let pairs = literal_eval("[('a', 1), ['b', 2]]")
            .unwrap()
            .into_dict()
            .unwrap();
        assert_eq!(pairs.len(), 2);
        assert!(literal_eval("'vs30: 1'").unwrap().into_dict().is_err());
        assert!(literal_eval("5").unwrap().into_dict().is_err());
    }
}
