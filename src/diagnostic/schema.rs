//! The JSON Schema (draft 2020-12) of `--format json`, committed as
//! `docs/diagnostics.schema.json` and printed by `muster schema
//! --diagnostics`. Closed: every key is required and no other is allowed.

use serde_json::{Value, json};

/// The schema's `$id`: names the document and its major version.
pub const DIAGNOSTICS_SCHEMA_ID: &str = "urn:muster-handbook:schema:diagnostics:1";

/// The schema, pretty-printed, ending with a newline.
pub fn diagnostics_schema() -> String {
    let position = json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["line", "column", "offset"],
        "properties": {
            "line": { "type": "integer", "minimum": 1 },
            "column": { "type": "integer", "minimum": 1, "description": "in characters" },
            "offset": { "type": "integer", "minimum": 0, "description": "in bytes" }
        }
    });
    let codes: Vec<&str> = super::Code::ALL.iter().map(|c| c.as_str()).collect();
    let schema: Value = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": DIAGNOSTICS_SCHEMA_ID,
        "title": "Muster diagnostics (muster check --format json)",
        "type": "object",
        "additionalProperties": false,
        "required": ["format_version", "valid", "error_count", "warning_count", "diagnostics"],
        "properties": {
            "format_version": { "const": 1 },
            "valid": { "type": "boolean" },
            "error_count": { "type": "integer", "minimum": 0 },
            "warning_count": { "type": "integer", "minimum": 0 },
            "diagnostics": { "type": "array", "items": { "$ref": "#/$defs/diagnostic" } }
        },
        "$defs": {
            "position": position,
            "label": {
                "type": "object",
                "additionalProperties": false,
                "required": ["primary", "message", "file", "start", "end"],
                "properties": {
                    "primary": { "type": "boolean" },
                    "message": { "type": "string" },
                    "file": { "type": "string" },
                    "start": { "$ref": "#/$defs/position" },
                    "end": { "$ref": "#/$defs/position" }
                }
            },
            "diagnostic": {
                "type": "object",
                "additionalProperties": false,
                "required": ["code", "severity", "message", "file", "start", "end", "labels", "notes", "help"],
                "properties": {
                    "code": { "enum": codes },
                    "severity": { "enum": ["error", "warning"] },
                    "message": { "type": "string" },
                    "file": { "type": "string" },
                    "start": { "$ref": "#/$defs/position" },
                    "end": { "$ref": "#/$defs/position" },
                    "labels": { "type": "array", "items": { "$ref": "#/$defs/label" } },
                    "notes": { "type": "array", "items": { "type": "string" } },
                    "help": { "type": ["string", "null"] }
                }
            }
        }
    });
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
