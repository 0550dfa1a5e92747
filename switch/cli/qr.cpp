// `cho4 qr encode | decode | lint | render | scan`: VietQR codes from the command line.
#include <boost/json.hpp>

#include <cstdio>
#include <iostream>
#include <iterator>
#include <optional>
#include <string>

#include "core/vn_text.h"
#include "qr/banks.h"
#include "qr/lint.h"
#include "qr/render.h"
#include "qr/scan.h"
#include "qr/vietqr.h"
#include "switch/cli/command.h"

namespace cho4::cli {
namespace {

constexpr const char* kUsage = R"(usage:
  cho4 qr encode --bank BANK --account ACCT [--amount N] [--purpose TEXT] [--bill TEXT]
                 [--reference TEXT] [--name TEXT] [--city TEXT] [--card] [--no-fold]
                 [--png FILE] [--svg FILE] [--term] [render options]
      prints the VietQR payload; BANK is a BIN, a short code or a name (970436, VCB, Vietcombank)
  cho4 qr decode [--json] PAYLOAD
  cho4 qr lint [--json] PAYLOAD          exit 1 when the code has errors
  cho4 qr render PAYLOAD (--png FILE | --svg FILE | --term) [render options]
  cho4 qr scan [--json] IMAGE            decodes the QR codes in a PNG or JPEG
  cho4 qr banks                          lists the known banks

render options: --ec L|M|Q|H (default M)  --module-px N (default 4)  --quiet N (default 4, >= 4)
PAYLOAD may be "-" to read it from standard input.
exit codes: 0 success, 1 invalid input, 2 usage error, 3 internal or I/O error
)";

int usage_error(const std::string& message) {
  std::fprintf(stderr, "cho4 qr: %s\n\n%s", message.c_str(), kUsage);
  return kExitUsage;
}

int invalid(const std::string& message) {
  std::fprintf(stderr, "cho4 qr: %s\n", message.c_str());
  return kExitInvalidInput;
}

int failed(const Status& s) {
  std::fprintf(stderr, "cho4 qr: %s\n", s.message().c_str());
  return s.code() == StatusCode::invalid_argument || s.code() == StatusCode::not_found
             ? kExitInvalidInput
             : kExitInternal;
}

// Flags of one subcommand: --name value pairs and boolean switches, plus positionals.
struct Flags {
  std::vector<std::pair<std::string, std::string>> values;
  std::vector<std::string> switches;
  std::vector<std::string> positionals;

  std::optional<std::string> get(std::string_view name) const {
    for (const auto& [k, v] : values)
      if (k == name) return v;
    return std::nullopt;
  }
  bool has(std::string_view name) const {
    for (const auto& s : switches)
      if (s == name) return true;
    return false;
  }
};

// Parses args; `valued` lists flags that take a value, `boolean` the switches.
Result<Flags> parse_flags(Args args, std::initializer_list<std::string_view> valued,
                          std::initializer_list<std::string_view> boolean) {
  Flags f;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view a = args[i];
    if (a.size() > 2 && a.substr(0, 2) == "--") {
      const std::string_view name = a.substr(2);
      if (std::find(valued.begin(), valued.end(), name) != valued.end()) {
        if (i + 1 >= args.size())
          return invalid_argument("--" + std::string(name) + " needs a value");
        f.values.emplace_back(name, args[++i]);
      } else if (std::find(boolean.begin(), boolean.end(), name) != boolean.end()) {
        f.switches.emplace_back(name);
      } else {
        return invalid_argument("unknown option " + std::string(a));
      }
    } else {
      f.positionals.emplace_back(a);
    }
  }
  return f;
}

std::string read_payload_arg(const std::string& arg) {
  if (arg != "-") return arg;
  std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

Result<qr::RenderOptions> render_options(const Flags& f) {
  qr::RenderOptions o;
  if (auto ec = f.get("ec")) {
    CHO4_ASSIGN_OR_RETURN(o.ec, qr::parse_ec_level(*ec));
  }
  const auto number = [](const std::string& s, const char* what) -> Result<int> {
    auto v = parse_money(s);
    if (!v.ok() || v->vnd() > 1000)
      return invalid_argument(std::string(what) + " must be a small number");
    return static_cast<int>(v->vnd());
  };
  if (auto px = f.get("module-px")) {
    CHO4_ASSIGN_OR_RETURN(o.module_px, number(*px, "--module-px"));
  }
  if (auto q = f.get("quiet")) {
    CHO4_ASSIGN_OR_RETURN(o.quiet_zone_modules, number(*q, "--quiet"));
  }
  return o;
}

// Writes the images the flags ask for; prints where.
int write_images(const std::string& payload, const Flags& f) {
  auto options = render_options(f);
  if (!options.ok()) return failed(options.error());
  auto matrix = qr::make_matrix(payload, options->ec);
  if (!matrix.ok()) return failed(matrix.error());
  if (auto png_path = f.get("png")) {
    auto png = qr::matrix_to_png(*matrix, *options);
    if (!png.ok()) return failed(png.error());
    if (Status s = qr::write_file(*png_path, *png); !s.ok()) return failed(s);
    std::fprintf(stderr, "wrote %s (QR version %d)\n", png_path->c_str(), matrix->version);
  }
  if (auto svg_path = f.get("svg")) {
    if (Status s = qr::write_file(*svg_path, qr::matrix_to_svg(*matrix, *options)); !s.ok())
      return failed(s);
    std::fprintf(stderr, "wrote %s (QR version %d)\n", svg_path->c_str(), matrix->version);
  }
  if (f.has("term")) std::fputs(qr::matrix_to_terminal(*matrix, *options).c_str(), stdout);
  return kExitOk;
}

int run_encode(Args args) {
  auto f = parse_flags(args,
                       {"bank", "account", "amount", "purpose", "bill", "reference", "name", "city",
                        "png", "svg", "ec", "module-px", "quiet"},
                       {"card", "no-fold", "term"});
  if (!f.ok()) return usage_error(f.error().message());
  if (!f->positionals.empty()) return usage_error("unexpected argument " + f->positionals.front());
  const auto bank_name = f->get("bank");
  const auto account = f->get("account");
  if (!bank_name || !account) return usage_error("--bank and --account are required");
  const qr::Bank* bank = qr::find_bank(*bank_name);
  if (!bank) return invalid("unknown bank '" + *bank_name + "' (see `cho4 qr banks`)");
  qr::Payload p;
  p.bank_bin = bank->bin;
  p.account = *account;
  p.service = f->has("card") ? qr::ServiceCode::to_card : qr::ServiceCode::to_account;
  if (auto amount = f->get("amount")) {
    auto m = parse_money(*amount);
    if (!m.ok()) return invalid("--amount: " + m.error().message());
    p.amount = *m;
  }
  p.purpose = f->get("purpose").value_or("");
  p.bill_number = f->get("bill").value_or("");
  p.reference_label = f->get("reference").value_or("");
  p.merchant_name = f->get("name").value_or("");
  p.merchant_city = f->get("city").value_or("");
  qr::EncodeOptions options;
  options.fold_text = !f->has("no-fold");
  auto payload = qr::encode(p, options);
  if (!payload.ok()) return invalid(payload.error().message());
  std::printf("%s\n", payload->c_str());
  std::fflush(stdout);
  return write_images(*payload, *f);
}

boost::json::object field_json(const qr::Field& field) {
  boost::json::object o{{"id", field.id}, {"value", field.value}, {"offset", field.offset}};
  if (!field.children.empty()) {
    boost::json::array children;
    for (const auto& c : field.children) children.push_back(field_json(c));
    o["children"] = std::move(children);
  }
  return o;
}

int run_decode(Args args) {
  auto f = parse_flags(args, {}, {"json"});
  if (!f.ok()) return usage_error(f.error().message());
  if (f->positionals.size() != 1) return usage_error("decode takes one PAYLOAD");
  const std::string text = read_payload_arg(f->positionals[0]);
  auto d = qr::decode(text);
  if (!d.ok()) {
    if (f->has("json")) {
      const auto& e = d.error();
      boost::json::object o{{"valid", false},
                            {"error", to_string(e.kind)},
                            {"field", e.field},
                            {"offset", e.offset},
                            {"message", e.message()}};
      std::printf("%s\n", boost::json::serialize(o).c_str());
    }
    return invalid(d.error().message());
  }
  if (f->has("json")) {
    boost::json::object o{{"valid", true},
                          {"scheme", to_string(d->scheme)},
                          {"point_of_initiation", static_cast<int>(d->poi)},
                          {"currency", d->currency},
                          {"country", d->country}};
    if (d->vietqr) {
      const qr::Payload& p = *d->vietqr;
      const qr::Bank* bank = qr::find_bank(p.bank_bin);
      boost::json::object v{
          {"bank_bin", p.bank_bin},
          {"bank_code", bank ? bank->code : ""},
          {"bank_name", bank ? bank->name : ""},
          {"account", p.account},
          {"service", p.service == qr::ServiceCode::to_card ? "QRIBFTTC" : "QRIBFTTA"},
          {"purpose", p.purpose},
          {"bill_number", p.bill_number},
          {"reference_label", p.reference_label},
          {"merchant_name", p.merchant_name},
          {"merchant_city", p.merchant_city}};
      if (p.amount) v["amount_vnd"] = p.amount->vnd();
      o["vietqr"] = std::move(v);
    }
    if (d->scheme == qr::Scheme::vnpay) o["merchant_id"] = d->merchant_id;
    boost::json::array fields;
    for (const auto& field : d->fields) fields.push_back(field_json(field));
    o["fields"] = std::move(fields);
    std::printf("%s\n", boost::json::serialize(o).c_str());
    return kExitOk;
  }
  if (d->scheme == qr::Scheme::vnpay) {
    std::printf("VNPAY-QR merchant code (merchant %s): not a VietQR bank transfer\n",
                d->merchant_id.c_str());
    return kExitOk;
  }
  if (!d->vietqr) {
    std::printf("EMVCo code of another scheme: not a VietQR bank transfer\n");
    return kExitOk;
  }
  const qr::Payload& p = *d->vietqr;
  const qr::Bank* bank = qr::find_bank(p.bank_bin);
  std::printf("VietQR %s code\n",
              d->poi == qr::PointOfInitiation::dynamic_code ? "dynamic" : "static");
  std::printf("  bank     %s%s%s\n", p.bank_bin.c_str(), bank ? " " : " (unknown BIN)",
              bank ? (bank->code + " " + bank->name).c_str() : "");
  std::printf("  %-8s %s\n", p.service == qr::ServiceCode::to_card ? "card" : "account",
              p.account.c_str());
  if (p.amount) std::printf("  amount   %s\n", format_amount(*p.amount).c_str());
  if (!p.purpose.empty()) std::printf("  purpose  %s\n", p.purpose.c_str());
  if (!p.bill_number.empty()) std::printf("  bill     %s\n", p.bill_number.c_str());
  if (!p.reference_label.empty()) std::printf("  ref      %s\n", p.reference_label.c_str());
  if (!p.merchant_name.empty()) std::printf("  name     %s\n", p.merchant_name.c_str());
  if (!p.merchant_city.empty()) std::printf("  city     %s\n", p.merchant_city.c_str());
  return kExitOk;
}

int run_lint(Args args) {
  auto f = parse_flags(args, {}, {"json"});
  if (!f.ok()) return usage_error(f.error().message());
  if (f->positionals.size() != 1) return usage_error("lint takes one PAYLOAD");
  const auto findings = qr::lint(read_payload_arg(f->positionals[0]));
  if (f->has("json")) {
    boost::json::array a;
    for (const auto& x : findings)
      a.push_back(boost::json::object{{"severity", to_string(x.severity)},
                                      {"code", x.code},
                                      {"field", x.field},
                                      {"message", x.message}});
    std::printf("%s\n", boost::json::serialize(boost::json::object{{"findings", a}}).c_str());
  } else if (findings.empty()) {
    std::printf("no findings\n");
  } else {
    for (const auto& x : findings)
      std::printf("%-7s %-28s %s\n", std::string(to_string(x.severity)).c_str(), x.code.c_str(),
                  x.message.c_str());
  }
  return qr::has_errors(findings) ? kExitInvalidInput : kExitOk;
}

int run_render(Args args) {
  auto f = parse_flags(args, {"png", "svg", "ec", "module-px", "quiet"}, {"term"});
  if (!f.ok()) return usage_error(f.error().message());
  if (f->positionals.size() != 1) return usage_error("render takes one PAYLOAD");
  if (!f->get("png") && !f->get("svg") && !f->has("term"))
    return usage_error("render needs --png FILE, --svg FILE or --term");
  return write_images(read_payload_arg(f->positionals[0]), *f);
}

int run_scan(Args args) {
  auto f = parse_flags(args, {}, {"json"});
  if (!f.ok()) return usage_error(f.error().message());
  if (f->positionals.size() != 1) return usage_error("scan takes one IMAGE");
  auto texts = qr::scan_image_file(f->positionals[0]);
  if (!texts.ok()) return failed(texts.error());
  if (f->has("json")) {
    boost::json::array a;
    for (const auto& t : *texts) a.emplace_back(t);
    std::printf("%s\n", boost::json::serialize(boost::json::object{{"codes", a}}).c_str());
  } else {
    for (const auto& t : *texts) std::printf("%s\n", t.c_str());
  }
  return kExitOk;
}

int run_banks() {
  for (const auto& b : qr::all_banks())
    std::printf("%s  %-9s %s\n", b.bin.c_str(), b.code.c_str(), b.name.c_str());
  return kExitOk;
}

}  // namespace

int run_qr(Args args) {
  if (args.empty()) return usage_error("missing subcommand");
  const std::string_view sub = args[0];
  const Args rest = args.subspan(1);
  if (sub == "--help" || sub == "-h" || sub == "help") {
    std::fputs(kUsage, stdout);
    return kExitOk;
  }
  for (std::string_view a : rest) {
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return kExitOk;
    }
  }
  if (sub == "encode") return run_encode(rest);
  if (sub == "decode") return run_decode(rest);
  if (sub == "lint") return run_lint(rest);
  if (sub == "render") return run_render(rest);
  if (sub == "scan") return run_scan(rest);
  if (sub == "banks") return run_banks();
  return usage_error("unknown subcommand '" + std::string(sub) + "'");
}

}  // namespace cho4::cli
