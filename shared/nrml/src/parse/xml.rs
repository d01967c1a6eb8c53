//! roxmltree underneath: well-formedness errors in expat's wording and line numbering (what
//! OpenQuake reports), and [`Elem`], the element view the readers build typed structs from.

use roxmltree::{Document, Error, Node};

use super::value::Conv;
use crate::error::{NodeError, NodeResult};
use crate::origin::Origin;

/// A well-formedness error: the line (1-based) and expat's message for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    pub line: u32,
    pub message: &'static str,
}

/// Parses `text` as XML. DTDs are refused (roxmltree's default): entity expansion is the one
/// way a small request could make a large document, and NRML does not use them.
pub(crate) fn parse<'input>(
    text: &'input str,
    lines: &LineIndex,
) -> Result<Document<'input>, SyntaxError> {
    Document::parse(text).map_err(|error| syntax_error(text, lines, &error))
}

fn syntax_error(text: &str, lines: &LineIndex, error: &Error) -> SyntaxError {
    let end_line = lines.line_of(text.len());
    let at = match error {
        Error::NoRootNode | Error::UnclosedRootNode | Error::UnexpectedEndOfStream => text.len(),
        _ => byte_offset(text, lines, error.pos().row, error.pos().col),
    };
    let row = error.pos().row;
    let (line, message) = if matches!(error, Error::InvalidString("]]>", _)) {
        (row, "unclosed CDATA section")
    } else if let Some(lt) = open_tail(text, at) {
        (lines.line_of(lt), "unclosed token")
    } else if in_declaration(text, at) {
        (row, "XML declaration not well-formed")
    } else {
        match error {
            Error::UnexpectedCloseTag(..) => (row, "mismatched tag"),
            Error::DuplicatedAttribute(..) => (row, "duplicate attribute"),
            Error::UnknownNamespace(..) => (row, "unbound prefix"),
            Error::UnknownEntityReference(..) => (row, "undefined entity"),
            Error::EntityReferenceLoop(..) => (row, "recursive entity reference"),
            Error::UnexpectedDeclaration(..) => {
                (row, "XML or text declaration not at start of entity")
            }
            Error::InvalidString("-->", _) => (
                text[..at]
                    .rfind("<!--")
                    .map_or(end_line, |start| lines.line_of(start)),
                "unclosed token",
            ),
            Error::MalformedEntityReference(_) if text[at..].starts_with("&#") => {
                (row, "reference to invalid character number")
            }
            Error::UnknownToken(_) => (row, outside_root_message(text, at)),
            Error::NoRootNode | Error::UnclosedRootNode => (end_line, "no element found"),
            Error::UnexpectedEndOfStream => (
                text.rfind('<').map_or(end_line, |lt| lines.line_of(lt)),
                "unclosed token",
            ),
            Error::DtdDetected => (
                text.find("<!DOCTYPE").map_or(1, |at| lines.line_of(at)),
                "document type declarations are not supported",
            ),
            _ => (row, "not well-formed (invalid token)"),
        }
    };
    SyntaxError { line, message }
}

/// Start of a markup token the text ends in (a `<` with no `>` after it), if the error at
/// byte `at` is in it: expat reports such a token, cut short, at its start.
fn open_tail(text: &str, at: usize) -> Option<usize> {
    let lt = text.rfind('<')?;
    let closed = text.rfind('>').is_some_and(|gt| gt > lt);
    (!closed && lt <= at).then_some(lt)
}

/// Whether byte `at` is in the XML declaration the text starts with.
fn in_declaration(text: &str, at: usize) -> bool {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.starts_with("<?xml") && at <= text.find("?>").unwrap_or(text.len())
}

/// Message for a token roxmltree could not place, at byte `at`, as expat words it: text after
/// the root element is junk; a bare word before it is a syntax error.
fn outside_root_message(text: &str, at: usize) -> &'static str {
    match Document::parse(&text[..at]) {
        Ok(_) => "junk after document element",
        Err(Error::NoRootNode) => {
            let rest = &text[at..];
            let word_len = rest.find(|c: char| !is_name_char(c)).unwrap_or(rest.len());
            match rest[word_len..].chars().next() {
                Some('<' | '&') => "not well-formed (invalid token)",
                _ if word_len > 0 => "syntax error",
                _ => "not well-formed (invalid token)",
            }
        }
        Err(_) => "not well-formed (invalid token)",
    }
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':') || !c.is_ascii()
}

/// Byte offset of a roxmltree position (row and column in characters, both 1-based).
fn byte_offset(text: &str, lines: &LineIndex, row: u32, col: u32) -> usize {
    let start = lines.start_of(row);
    text[start..]
        .char_indices()
        .nth(col.saturating_sub(1) as usize)
        .map_or(text.len(), |(i, _)| start + i)
}

/// Start offsets of the lines of a text, for byte offset -> line number.
pub(crate) struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { starts }
    }

    /// 1-based line of byte offset `at`.
    pub(crate) fn line_of(&self, at: usize) -> u32 {
        let line = self.starts.partition_point(|&start| start <= at);
        u32::try_from(line).unwrap_or(u32::MAX)
    }

    fn start_of(&self, row: u32) -> usize {
        let index = (row as usize).saturating_sub(1).min(self.starts.len() - 1);
        self.starts[index]
    }
}

/// An element of the document with its line: what the readers see of the XML.
#[derive(Clone, Copy)]
pub(crate) struct Elem<'a, 'input> {
    node: Node<'a, 'input>,
    lines: &'a LineIndex,
}

impl<'a, 'input> Elem<'a, 'input> {
    pub(crate) fn new(node: Node<'a, 'input>, lines: &'a LineIndex) -> Self {
        Elem { node, lines }
    }

    /// Tag without namespace.
    pub(crate) fn tag(&self) -> &'a str {
        self.node.tag_name().name()
    }

    /// Namespace URI of the tag, if any.
    pub(crate) fn namespace(&self) -> Option<&'a str> {
        self.node.tag_name().namespace()
    }

    /// Line of the start tag.
    pub(crate) fn line(&self) -> u32 {
        self.lines.line_of(self.node.range().start)
    }

    /// Where this element is; `tag` is its tag, as the literal the reader matched it by.
    pub(crate) fn origin(&self, tag: &'static str) -> Origin {
        Origin {
            tag,
            line: self.line(),
        }
    }

    /// An error about this element.
    pub(crate) fn error(&self, message: impl Into<String>) -> NodeError {
        NodeError::new(self.tag(), self.line(), message)
    }

    pub(crate) fn attr(&self, name: &str) -> Option<&'a str> {
        self.node.attribute(name)
    }

    pub(crate) fn required_attr(&self, name: &str) -> NodeResult<&'a str> {
        self.attr(name)
            .ok_or_else(|| self.error(format!("missing attribute {name}")))
    }

    /// Attributes as (name, value), namespace declarations excluded.
    pub(crate) fn attrs(&self) -> impl Iterator<Item = (&'a str, &'a str)> {
        self.node.attributes().map(|a| (a.name(), a.value()))
    }

    /// The required attribute `name` converted by `conv`.
    pub(crate) fn attr_as<T>(&self, name: &str, conv: Conv<T>) -> NodeResult<T> {
        self.convert(name, self.required_attr(name)?, conv)
    }

    /// The attribute `name`, if present, converted by `conv`.
    pub(crate) fn opt_attr_as<T>(&self, name: &str, conv: Conv<T>) -> NodeResult<Option<T>> {
        self.attr(name)
            .map(|value| self.convert(name, value, conv))
            .transpose()
    }

    /// The element's own text (its text children joined; nested elements excluded).
    pub(crate) fn text(&self) -> String {
        self.node
            .children()
            .filter(Node::is_text)
            .filter_map(|n| n.text())
            .collect()
    }

    /// The element's text converted by `conv`.
    pub(crate) fn text_as<T>(&self, conv: Conv<T>) -> NodeResult<T> {
        self.convert(self.tag(), &self.text(), conv)
    }

    fn convert<T>(&self, name: &str, value: &str, conv: Conv<T>) -> NodeResult<T> {
        (conv.convert)(value).map_err(|reason| {
            self.error(format!("Could not convert {name}->{}: {reason}", conv.name))
        })
    }

    /// Child elements, in document order.
    pub(crate) fn children(&self) -> impl Iterator<Item = Elem<'a, 'input>> + use<'a, 'input> {
        let lines = self.lines;
        self.node
            .children()
            .filter(Node::is_element)
            .map(move |node| Elem::new(node, lines))
    }

    /// Child elements with tag `tag`.
    pub(crate) fn children_named<'t>(
        &self,
        tag: &'t str,
    ) -> impl Iterator<Item = Elem<'a, 'input>> + use<'a, 'input, 't> {
        self.children().filter(move |c| c.tag() == tag)
    }

    /// The first child element with tag `tag`.
    pub(crate) fn child(&self, tag: &str) -> Option<Elem<'a, 'input>> {
        self.children_named(tag).next()
    }

    pub(crate) fn required_child(&self, tag: &str) -> NodeResult<Elem<'a, 'input>> {
        self.child(tag)
            .ok_or_else(|| self.error(format!("missing element {tag}")))
    }

    /// The text of the required child `tag`, converted by `conv`.
    pub(crate) fn child_as<T>(&self, tag: &str, conv: Conv<T>) -> NodeResult<T> {
        self.required_child(tag)?.text_as(conv)
    }

    /// Follows a path of required children, e.g. `["Polygon", "exterior", "LinearRing"]`.
    pub(crate) fn descend(&self, path: &[&str]) -> NodeResult<Elem<'a, 'input>> {
        path.iter()
            .try_fold(*self, |elem, tag| elem.required_child(tag))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(text: &str) -> SyntaxError {
        let lines = LineIndex::new(text);
        parse(text, &lines).expect_err("the text should be rejected")
    }

    #[test]
    fn line_index_counts_from_one() {
        let lines = LineIndex::new("a\nbc\n\nd");
        assert_eq!(lines.line_of(0), 1);
        assert_eq!(lines.line_of(1), 1);
        assert_eq!(lines.line_of(2), 2);
        assert_eq!(lines.line_of(5), 3);
        assert_eq!(lines.line_of(7), 4);
    }

    #[test]
    fn expat_wording_and_lines() {
        let cases: &[(&str, u32, &str)] = &[
            ("hello", 1, "syntax error"),
            ("\n\nhello world", 3, "syntax error"),
            ("{\"a\": 1}", 1, "not well-formed (invalid token)"),
            ("x<nrml/>", 1, "not well-formed (invalid token)"),
            ("", 1, "no element found"),
            ("  \n\n", 3, "no element found"),
            ("<?xml version=\"1.0\"?>\n", 2, "no element found"),
            (
                "<?xml version=\"1.0\"?>\n<nrml>\n<a>\n",
                4,
                "no element found",
            ),
            ("<nrml>\n<a b=\"1\n", 2, "unclosed token"),
            ("<nrml>\n<a\n", 2, "unclosed token"),
            ("<nrml>\n<a>\n<truncGutenberg", 3, "unclosed token"),
            ("<nrml>\n<a>\n<", 3, "unclosed token"),
            ("<nrml>\n<!-- a\n<a/>\n", 2, "unclosed token"),
            (
                "<?xml version=\"1.0\" encoding?>\n<nrml/>",
                1,
                "XML declaration not well-formed",
            ),
            ("<nrml/>\n<b/>\n", 2, "junk after document element"),
            ("<nrml/>\ntext\n", 2, "junk after document element"),
            ("<nrml>\n<a>\n</b>\n</nrml>", 3, "mismatched tag"),
            (
                "<nrml>\n<a>&</a></nrml>",
                2,
                "not well-formed (invalid token)",
            ),
            (
                "<nrml>\n<a>&#0;</a></nrml>",
                2,
                "reference to invalid character number",
            ),
            ("<nrml>\n<a>&foo;</a></nrml>", 2, "undefined entity"),
            (
                "<nrml>\n<a x=\"1\" x=\"2\"/></nrml>",
                2,
                "duplicate attribute",
            ),
            ("<nrml>\n<g:a/></nrml>", 2, "unbound prefix"),
            (
                "<nrml>\n<a x=\"<\"/></nrml>",
                2,
                "not well-formed (invalid token)",
            ),
            ("<nrml>\n<1a/></nrml>", 2, "not well-formed (invalid token)"),
            (
                "\n<?xml version=\"1.0\"?>\n<nrml/>",
                2,
                "XML or text declaration not at start of entity",
            ),
            ("<nrml>\n<![CDATA[ abc \n", 3, "unclosed CDATA section"),
            (
                "<nrml>\n<a>\u{1}</a></nrml>",
                2,
                "not well-formed (invalid token)",
            ),
            (
                "\n<!DOCTYPE nrml>\n<nrml/>",
                2,
                "document type declarations are not supported",
            ),
        ];
        for &(text, line, message) in cases {
            let error = error_of(text);
            assert_eq!((error.line, error.message), (line, message), "for {text:?}");
        }
    }
}
