#include "adapters/plugin_loader.h"

#include <dlfcn.h>

#include <cstring>

#include "adapters/canonical_json.h"
#include "adapters/internal.h"
#include "adapters/limits.h"
#include "core/vn_text.h"

namespace cho4::adapters {

namespace {

namespace json = boost::json;

constexpr std::size_t kErrorTextBytes = 256;

// Caller-owned buffers the plugin writes its error text into.
struct ErrorBuffers {
  char message[kErrorTextBytes] = {};
  char path[kErrorTextBytes] = {};
  cho4_error_out out{message, sizeof message, path, sizeof path};

  std::string message_text() const {
    return std::string(message, strnlen(message, sizeof message));
  }
  std::string path_text() const { return std::string(path, strnlen(path, sizeof path)); }
};

cho4_str str(std::string_view s) {
  return cho4_str{s.data(), s.size()};
}
std::string_view view(cho4_str s) {
  return s.data == nullptr ? std::string_view() : std::string_view(s.data, s.len);
}

// The request as the C ABI sees it; borrows from the HttpRequest.
struct CRequest {
  std::vector<cho4_header> headers;
  cho4_request request{};
  explicit CRequest(const HttpRequest& r) {
    headers.reserve(r.headers.fields().size());
    for (const auto& [n, v] : r.headers.fields()) headers.push_back(cho4_header{str(n), str(v)});
    request =
        cho4_request{str(r.method), str(r.target), headers.data(), headers.size(), str(r.body)};
  }
};

bool valid_kind(std::string_view k) {
  if (k.empty() || k.size() > 64) return false;
  for (char c : k) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

// One plugin instance: created from its config, destroyed with the owner.
class PluginInstance {
 public:
  PluginInstance(std::shared_ptr<void> handle, const cho4_plugin_v1* table, void* instance)
      : handle_(std::move(handle)), table_(table), instance_(instance) {}
  ~PluginInstance() { table_->destroy(instance_); }
  PluginInstance(const PluginInstance&) = delete;
  PluginInstance& operator=(const PluginInstance&) = delete;

  static Result<std::unique_ptr<PluginInstance>> create(std::shared_ptr<void> handle,
                                                        const cho4_plugin_v1* table,
                                                        const json::object& config) {
    std::string name;
    if (const json::value* n = config.if_contains("name"); n != nullptr && n->is_string()) {
      name = std::string(n->get_string());
    }
    std::string text = js_stringify(config);
    ErrorBuffers err;
    void* inst = table->create(str(name), str(text), &err.out);
    if (inst == nullptr) {
      return invalid_argument("plugin " + std::string(table->kind) + " refused instance \"" + name +
                              "\": " + err.message_text());
    }
    return std::make_unique<PluginInstance>(std::move(handle), table, inst);
  }

  const cho4_plugin_v1* table() const { return table_; }
  const void* get() const { return instance_; }

 private:
  std::shared_ptr<void> handle_;  // keeps the library loaded while the instance exists
  const cho4_plugin_v1* table_;
  void* instance_;
};

// Copies a plugin's credit into core's type, refusing values that break BankCredit's contract.
Result<BankCredit, ParseError> from_c(const cho4_credit& c, std::size_t index) {
  std::string path = "credit[" + std::to_string(index) + "]";
  auto bad = [&](std::string m) {
    return Err(ParseError{ParseErrorKind::plugin_failure, path, std::move(m)});
  };
  for (cho4_str s :
       {c.provider_txn_id, c.bank_reference, c.bank, c.account, c.sub_account, c.description}) {
    if (s.len > kFieldBytesMax)
      return bad("a field exceeds " + std::to_string(kFieldBytesMax) + " bytes");
    if (s.len > 0 && s.data == nullptr) return bad("a field has a length but no data");
    if (!is_valid_utf8(view(s))) return bad("a field is not UTF-8");
  }
  if (c.provider_txn_id.len == 0) return bad("plugin credit without a transaction id");
  if (c.amount_vnd <= 0 || c.amount_vnd > kCreditAmountMax.vnd()) {
    return bad("plugin credit amount out of range");
  }
  if (c.direction != CHO4_DIRECTION_IN && c.direction != CHO4_DIRECTION_OUT) {
    return bad("plugin credit with an unknown direction");
  }
  BankCredit out;
  out.provider_txn_id = std::string(view(c.provider_txn_id));
  out.bank_reference = std::string(view(c.bank_reference));
  out.bank = std::string(view(c.bank));
  out.account = std::string(view(c.account));
  out.sub_account = std::string(view(c.sub_account));
  out.description = std::string(view(c.description));
  out.amount = Money::vnd(c.amount_vnd);
  out.direction = c.direction == CHO4_DIRECTION_OUT ? Direction::out : Direction::in;
  out.occurred_at_ms = c.occurred_at_ms;
  out.occurred_date_only = c.occurred_date_only != 0;
  return out;
}

struct ParseSink {
  std::vector<cho4_credit> raw;  // strings copied right away: they live only during the call
  std::vector<BankCredit> credits;
  std::optional<ParseError> error;
  static void on_credit(void* ctx, const cho4_credit* c) {
    auto* self = static_cast<ParseSink*>(ctx);
    if (self->error) return;
    if (c == nullptr || self->credits.size() >= kCreditsPerRequestMax) {
      self->error =
          ParseError{ParseErrorKind::too_many_credits, "", "plugin sent too many credits"};
      return;
    }
    Result<BankCredit, ParseError> r = from_c(*c, self->credits.size());
    if (!r.ok()) {
      self->error = r.error();
      return;
    }
    self->credits.push_back(std::move(r).value());
  }
};

struct ReplySink {
  std::optional<HttpReply> reply;
  static void on_reply(void* ctx, int status, cho4_str content_type, cho4_str body) {
    auto* self = static_cast<ReplySink*>(ctx);
    self->reply = HttpReply{status, std::string(view(content_type)), std::string(view(body))};
  }
};

struct RequestSink {
  std::optional<HttpRequest> request;
  static void on_request(void* ctx, const cho4_request* r) {
    auto* self = static_cast<RequestSink*>(ctx);
    if (r == nullptr) return;
    HttpRequest out;
    out.method = std::string(view(r->method));
    out.target = std::string(view(r->target));
    for (std::size_t i = 0; i < r->header_count; ++i) {
      out.headers.add(std::string(view(r->headers[i].name)),
                      std::string(view(r->headers[i].value)));
    }
    out.body = std::string(view(r->body));
    self->request = std::move(out);
  }
};

class PluginAdapter final : public Adapter {
 public:
  PluginAdapter(std::unique_ptr<PluginInstance> inst, std::string kind, std::string name)
      : inst_(std::move(inst)), kind_(std::move(kind)), name_(std::move(name)) {}

  std::string_view kind() const override { return kind_; }
  std::string_view instance() const override { return name_; }

  Result<VerifiedScheme, AuthError> authenticate(const HttpRequest& req,
                                                 UnixMs now) const override {
    CRequest c(req);
    ErrorBuffers err;
    int rc = inst_->table()->authenticate(inst_->get(), &c.request, now, &err.out);
    if (rc == CHO4_PLUGIN_OK) return VerifiedScheme::plugin;
    AuthErrorKind kind = AuthErrorKind::plugin_failure;
    if (rc >= CHO4_AUTH_MISSING_CREDENTIALS && rc <= static_cast<int>(AuthErrorKind::bad_request)) {
      kind = static_cast<AuthErrorKind>(rc);
    }
    return Err(AuthError{kind, err.message_text()});
  }

  Result<std::vector<BankCredit>, ParseError> parse(const HttpRequest& req,
                                                    UnixMs received_at) const override {
    if (req.body.size() > kBodyBytesMax) {
      return Err(ParseError{ParseErrorKind::body_too_large, "", "body exceeds the limit"});
    }
    if (!is_valid_utf8(req.body)) {
      return Err(ParseError{ParseErrorKind::invalid_utf8, "", "body is not well-formed UTF-8"});
    }
    CRequest c(req);
    ErrorBuffers err;
    ParseSink sink;
    int rc =
        inst_->table()->parse(inst_->get(), &c.request, &ParseSink::on_credit, &sink, &err.out);
    if (rc != CHO4_PLUGIN_OK) {
      ParseErrorKind kind = ParseErrorKind::plugin_failure;
      if (rc >= CHO4_PARSE_INVALID_JSON &&
          rc <= static_cast<int>(ParseErrorKind::negative_amount)) {
        kind = static_cast<ParseErrorKind>(rc);
      }
      return Err(ParseError{kind, err.path_text(), err.message_text()});
    }
    if (sink.error) return Err(*std::move(sink.error));
    for (BankCredit& credit : sink.credits) {
      credit.adapter_instance = name_;
      credit.received_at_ms = received_at;
      credit.verified = VerifiedScheme::plugin;
    }
    return std::move(sink.credits);
  }

  HttpReply success_response(const std::vector<BankCredit>& credits) const override {
    ReplySink sink;
    inst_->table()->success_response(inst_->get(), credits.size(), &ReplySink::on_reply, &sink);
    if (!sink.reply) return HttpReply{200, "application/json", "{}"};
    return *std::move(sink.reply);
  }

 private:
  std::unique_ptr<PluginInstance> inst_;
  std::string kind_;
  std::string name_;
};

class PluginSigner final : public Signer {
 public:
  PluginSigner(std::unique_ptr<PluginInstance> inst, std::string kind)
      : inst_(std::move(inst)), kind_(std::move(kind)) {}
  std::string_view kind() const override { return kind_; }
  std::size_t max_credits_per_request() const override { return kCreditsPerRequestMax; }

  Result<HttpRequest> sign(std::span<const BankCredit> credits, UnixMs now,
                           std::string_view) const override {
    std::vector<cho4_credit> c;
    c.reserve(credits.size());
    for (const BankCredit& b : credits) {
      c.push_back(
          cho4_credit{str(b.provider_txn_id), str(b.bank_reference), str(b.bank), str(b.account),
                      str(b.sub_account), str(b.description), b.amount.vnd(),
                      b.direction == Direction::out ? CHO4_DIRECTION_OUT : CHO4_DIRECTION_IN,
                      b.occurred_date_only ? 1 : 0, b.occurred_at_ms});
    }
    RequestSink sink;
    ErrorBuffers err;
    int rc = inst_->table()->sign(inst_->get(), c.data(), c.size(), now, &RequestSink::on_request,
                                  &sink, &err.out);
    if (rc != CHO4_PLUGIN_OK) return invalid_argument("plugin signer: " + err.message_text());
    if (!sink.request) return internal_error("plugin signer produced no request");
    return *std::move(sink.request);
  }

 private:
  std::unique_ptr<PluginInstance> inst_;
  std::string kind_;
};

}  // namespace

LoadedPlugin::LoadedPlugin(std::shared_ptr<void> handle, const cho4_plugin_v1* table,
                           std::string path)
    : handle_(std::move(handle)), table_(table), path_(std::move(path)), kind_(table->kind) {}

LoadedPlugin::~LoadedPlugin() = default;

Result<std::unique_ptr<LoadedPlugin>> LoadedPlugin::load(const std::string& path) {
  dlerror();
  void* raw = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (raw == nullptr) {
    const char* why = dlerror();
    return io_error("plugin " + path + ": cannot load: " + (why ? why : "unknown error"));
  }
  std::shared_ptr<void> handle(raw, [](void* h) { dlclose(h); });
  auto version_fn =
      reinterpret_cast<cho4_plugin_abi_version_fn>(dlsym(raw, CHO4_PLUGIN_SYMBOL_VERSION));
  if (version_fn == nullptr) {
    return failed_precondition("plugin " + path +
                               ": missing symbol " CHO4_PLUGIN_SYMBOL_VERSION
                               " (not a cho4 adapter plugin?)");
  }
  std::uint32_t version = version_fn();
  if (version != CHO4_PLUGIN_ABI_VERSION) {
    return failed_precondition("plugin " + path + ": ABI version " + std::to_string(version) +
                               ", but this cho4 speaks version " +
                               std::to_string(CHO4_PLUGIN_ABI_VERSION) +
                               "; rebuild the plugin against this plugin_abi.h");
  }
  auto entry_fn = reinterpret_cast<cho4_plugin_entry_fn>(dlsym(raw, CHO4_PLUGIN_SYMBOL_ENTRY));
  if (entry_fn == nullptr) {
    return failed_precondition("plugin " + path + ": missing symbol " CHO4_PLUGIN_SYMBOL_ENTRY);
  }
  const cho4_plugin_v1* table = entry_fn();
  if (table == nullptr) return invalid_argument("plugin " + path + ": entry returned no table");
  if (table->abi_version != CHO4_PLUGIN_ABI_VERSION) {
    return failed_precondition("plugin " + path + ": function table is ABI version " +
                               std::to_string(table->abi_version));
  }
  if (table->kind == nullptr || !valid_kind(table->kind)) {
    return invalid_argument("plugin " + path + ": kind must be 1..64 of [a-z0-9_]");
  }
  if (table->create == nullptr || table->destroy == nullptr || table->authenticate == nullptr ||
      table->parse == nullptr || table->success_response == nullptr) {
    return invalid_argument("plugin " + path +
                            ": function table lacks create, destroy, authenticate, parse or "
                            "success_response");
  }
  return std::unique_ptr<LoadedPlugin>(new LoadedPlugin(std::move(handle), table, path));
}

Result<std::unique_ptr<Adapter>> LoadedPlugin::make_adapter(
    const boost::json::object& config) const {
  CHO4_ASSIGN_OR_RETURN(std::unique_ptr<PluginInstance> inst,
                        PluginInstance::create(handle_, table_, config));
  std::string name;
  if (const json::value* n = config.if_contains("name"); n != nullptr && n->is_string()) {
    name = std::string(n->get_string());
  }
  return std::unique_ptr<Adapter>(std::make_unique<PluginAdapter>(std::move(inst), kind_, name));
}

Result<std::unique_ptr<Signer>> LoadedPlugin::make_signer(const boost::json::object& config) const {
  if (table_->sign == nullptr) {
    return Status(StatusCode::unimplemented, "plugin " + kind_ + " has no signing side");
  }
  CHO4_ASSIGN_OR_RETURN(std::unique_ptr<PluginInstance> inst,
                        PluginInstance::create(handle_, table_, config));
  return std::unique_ptr<Signer>(std::make_unique<PluginSigner>(std::move(inst), kind_));
}

}  // namespace cho4::adapters
