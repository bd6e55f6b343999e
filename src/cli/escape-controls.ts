/**
 * Text from a client made safe to show: in a terminal (the request log) or
 * in a page (a directory listing of names anyone with write access chose).
 * @packageDocumentation
 */

/** C0 controls, DEL, C1 controls; format controls (Cf) and the line and paragraph separators. */
const UNSAFE_FOR_TERMINAL = /[\x00-\x1f\x7f-\x9f]|[\p{Cf}\p{Zl}\p{Zp}]/gu;

/**
 * `text` with every C0 control, DEL and C1 control (U+0000–U+001F,
 * U+007F–U+009F) written as `\xNN`, and every format control (Unicode
 * category Cf) and U+2028 / U+2029 as `\u{XXXX}`. Why: HPACK carries any
 * octet in a field value and the server does not refuse them in `:path`, so
 * a client could otherwise send ESC sequences (recolour or clear the
 * operator's terminal, set its title), BEL, backspaces or CR/LF that forge or
 * hide log lines. The format controls do the same to what the operator
 * reads: the bidirectional ones (U+061C, U+200E, U+200F, U+202A–U+202E,
 * U+2066–U+2069) reorder the rest of the line ("Trojan Source",
 * CVE-2021-42574), so that the path, status and size shown are not the ones
 * logged; the invisible ones (U+00AD, U+200B–U+200D, U+2060, U+FEFF, tags) make two
 * different paths look alike; U+2028 / U+2029 break lines in some viewers.
 * (A `:path` arrives as octets, one character each, so of these only U+00AD
 * comes straight from the wire; the others when a caller hands us decoded
 * text.) In a directory listing, a file name's bidirectional controls would
 * let it hide its real extension (`evil\u{202e}txt.exe` shown as
 * `evilexe.txt`).
 */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE_FOR_TERMINAL, (c) => {
    const code = c.codePointAt(0)!;
    return code <= 0x9f ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}
