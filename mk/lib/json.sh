# Razor Microkernel — the little JSON and URL encoding the agent needs. Razor answers with a
# compact one-line JSON envelope, so sed on `"key":value` is enough to read it; the registration
# JSON is built from `name<TAB>value` fact lines (values are printable ASCII, see facts.sh).

# json_str KEY — from the JSON on stdin, the string value of the last "KEY":"…" (escapes undone).
json_str() {
  sed -nE "s/.*\"$1\":\"(([^\"\\\\]|\\\\.)*)\".*/\\1/p" | head -n 1 | sed -E 's/\\(["\\/])/\1/g'
}

# json_num KEY — from the JSON on stdin, the integer value of the last "KEY":<digits>.
json_num() { sed -nE "s/.*\"$1\":(-?[0-9]+).*/\\1/p" | head -n 1; }

# registration_json HW_ID STATE — the original's registration document from the facts on stdin:
# {"@hw_id":"…","@attributes_hash":{…},"@last_state":"…"} on one line.
registration_json() {
  sed 's/\\/\\\\/g; s/"/\\"/g' | awk -F'\t' -v hw="$1" -v st="$2" '
    BEGIN { printf "{\"@hw_id\":\"%s\",\"@attributes_hash\":{", hw }
    NF >= 2 { v = substr($0, length($1) + 2); printf "%s\"%s\":\"%s\"", (n++ ? "," : ""), $1, v }
    END { printf "},\"@last_state\":\"%s\"}", st }'
}

# urlencode — percent-encodes stdin for a form field: every byte as %XX (valid for any input, and
# one od + sed instead of a loop over characters, which is slow under emulation).
urlencode() { od -An -tx1 -v | tr -d ' \n' | sed 's/../%&/g'; }
