#!/usr/bin/env bash
# `cho4 signage` end to end: exit codes, messages, files written or not, codes that decode.
#   cli_test.sh PATH_TO_CHO4 SOURCE_DIR
set -euo pipefail
cho4=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
expect_rc() {  # expect_rc RC command...
  local want=$1; shift
  set +e; "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?; set -e
  [[ $rc == "$want" ]] || { cat "$tmp/out" "$tmp/err" >&2; fail "exit $rc, expected $want: $*"; }
}
export CHO4_TEST_MARKET_SECRET=test-market-secret-0123456789

# The example market prints; the PDF has the expected pages and text.
expect_rc 0 "$cho4" signage --stalls "$src/examples/market-stalls.csv" --layout a6x4 \
  --out "$tmp/m.pdf" --secret-env CHO4_TEST_MARKET_SECRET
grep -q "10 cards on 3 pages" "$tmp/out" || fail "summary: $(cat "$tmp/out")"
pdftotext -enc UTF-8 "$tmp/m.pdf" - | grep -q "Quét mã để thanh toán" || fail "no Vietnamese text"
expect_rc 0 "$cho4" signage --stalls "$src/examples/market-stalls.json" --layout a5 \
  --out "$tmp/j.pdf" --secret-env CHO4_TEST_MARKET_SECRET
grep -q "4 cards on 4 pages" "$tmp/out" || fail "json summary: $(cat "$tmp/out")"

# A bad row: named with its line and field, exit 1, nothing written; skipped on request.
printf 'stall_number,stall_name,account_holder,bank,account\nA1,Phở,NGUYEN,VCB,0123456789\nA2,Bún,TRAN,VCB,\n' >"$tmp/bad.csv"
expect_rc 1 "$cho4" signage --stalls "$tmp/bad.csv" --market "Chợ X" --out "$tmp/bad.pdf" \
  --secret-env CHO4_TEST_MARKET_SECRET
grep -q "bad.csv:3: account: missing" "$tmp/err" || fail "error text: $(cat "$tmp/err")"
[[ ! -e "$tmp/bad.pdf" && ! -e "$tmp/bad.pdf.partial" ]] || fail "a PDF was written"
expect_rc 0 "$cho4" signage --stalls "$tmp/bad.csv" --market "Chợ X" --out "$tmp/bad.pdf" \
  --secret-env CHO4_TEST_MARKET_SECRET --skip-bad-rows
[[ -s "$tmp/bad.pdf" ]] || fail "skip-bad-rows wrote nothing"

# One sign: the PNG decodes to the payload the command printed; its check code verifies.
expect_rc 0 "$cho4" signage sign --layout print --out "$tmp/s.png" --secret-env CHO4_TEST_MARKET_SECRET \
  --market "Chợ Bến Thành" --stall-number A12 --stall-name "Phở Bà Tư" --holder "NGUYEN THI TU" \
  --bank VCB --account 0123456789
payload=$(sed -n 2p "$tmp/out")
code=$(sed -n 's/^check code //p' "$tmp/out")
[[ "$(zbarimg --quiet --raw "$tmp/s.png" 2>/dev/null)" == "$payload" ]] || fail "PNG does not decode to $payload"
expect_rc 0 "$cho4" signage verify --secret-env CHO4_TEST_MARKET_SECRET --payload "$payload" --code "$code"
grep -q '^match' "$tmp/out" || fail "verify: $(cat "$tmp/out")"
expect_rc 0 "$cho4" signage code --secret-env CHO4_TEST_MARKET_SECRET --payload "$payload"
[[ "$(cat "$tmp/out")" == "$code" ]] || fail "code prints $(cat "$tmp/out"), sign has $code"
other=${payload/0123456789/0123456780}
expect_rc 1 "$cho4" signage verify --secret-env CHO4_TEST_MARKET_SECRET --payload "$other" --code "$code"
grep -q '^mismatch' "$tmp/out" || fail "verify of another payload: $(cat "$tmp/out")"
expect_rc 1 "$cho4" signage verify --secret-env CHO4_TEST_MARKET_SECRET --payload "$payload" --code "12"

# Usage and secrets.
expect_rc 2 "$cho4" signage --stalls x.csv
expect_rc 2 "$cho4" signage verify --payload "$payload" --code "$code"
expect_rc 1 env CHO4_SHORT=short "$cho4" signage code --secret-env CHO4_SHORT --payload "$payload"
expect_rc 1 "$cho4" signage code --secret-env CHO4_UNSET_VARIABLE --payload "$payload"
echo "cli_test: ok"
