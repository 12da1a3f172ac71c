//! Colours by meaning, in the 16 ANSI colours every terminal over SSH shows right. Every state
//! also has a glyph, so the screen reads without colour; `NO_COLOR` gives bold and reverse only.

use crate::check::Standing;
use crate::model::Verdict;
use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    /// Colour unless `NO_COLOR` is set (to anything but the empty string, per no-color.org).
    pub fn from_env() -> Theme {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Theme { color: !no_color }
    }

    fn fg(&self, color: Color) -> Style {
        if self.color {
            Style::new().fg(color)
        } else {
            Style::new()
        }
    }

    pub fn selection(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    pub fn title(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    pub fn label(&self) -> Style {
        self.fg(Color::Cyan)
    }

    pub fn dim(&self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new().add_modifier(Modifier::DIM)
        }
    }

    pub fn border(&self) -> Style {
        self.dim()
    }

    pub fn verdict(&self, v: Option<Verdict>) -> Style {
        match v {
            Some(Verdict::Met) => self.fg(Color::Green),
            Some(Verdict::PartlyMet) => self.fg(Color::Yellow),
            Some(Verdict::NotMet) => self.fg(Color::Red).add_modifier(Modifier::BOLD),
            None => self.dim(),
        }
    }

    pub fn standing(&self, s: Standing) -> Style {
        match s {
            Standing::Meets => self.fg(Color::Green),
            Standing::FallsShort => self.fg(Color::Red),
            Standing::Unclear => self.fg(Color::Yellow),
        }
    }

    pub fn info(&self) -> Style {
        self.fg(Color::Green)
    }

    pub fn warning(&self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    pub fn error(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    pub fn key(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
}

/// The glyph beside each verdict: the screen must read without colour.
pub fn glyph(v: Option<Verdict>) -> &'static str {
    match v {
        Some(Verdict::Met) => "✓",
        Some(Verdict::PartlyMet) => "◐",
        Some(Verdict::NotMet) => "✗",
        None => "○",
    }
}

pub const DRAFT_GLYPH: &str = "✎";
