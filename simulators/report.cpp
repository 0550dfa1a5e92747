#include "simulators/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace cho4::sim {
namespace {

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string html_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

void percentiles(std::ostringstream& o, const char* name, const LatencyHistogram& h) {
  o << "  " << name << ": n=" << h.count();
  if (h.count() == 0) {
    o << "\n";
    return;
  }
  o << "  p50 " << format_us(h.value_at_quantile(0.5)) << "  p90 "
    << format_us(h.value_at_quantile(0.9)) << "  p99 " << format_us(h.value_at_quantile(0.99))
    << "  p99.9 " << format_us(h.value_at_quantile(0.999)) << "  max " << format_us(h.max())
    << "\n";
}

// A line chart of several series over seconds, as an inline SVG.
struct Series {
  std::string name;
  std::string colour;
  std::vector<double> values;
};

std::string svg_lines(const std::string& title, const std::string& unit,
                      const std::vector<Series>& series) {
  constexpr int kW = 720, kH = 240, kL = 60, kB = 30, kT = 24, kR = 120;
  double ymax = 0;
  std::size_t n = 0;
  for (const auto& s : series) {
    n = std::max(n, s.values.size());
    for (double v : s.values) ymax = std::max(ymax, v);
  }
  if (ymax <= 0) ymax = 1;
  std::ostringstream o;
  o << "<svg xmlns='http://www.w3.org/2000/svg' width='" << kW << "' height='" << kH
    << "' font-family='sans-serif' font-size='11'>";
  o << "<text x='" << kL << "' y='15' font-weight='bold'>" << html_escape(title) << "</text>";
  const int pw = kW - kL - kR, ph = kH - kT - kB;
  o << "<rect x='" << kL << "' y='" << kT << "' width='" << pw << "' height='" << ph
    << "' fill='none' stroke='#999'/>";
  for (int i = 0; i <= 4; ++i) {
    const double v = ymax * i / 4;
    const int y = kT + ph - int(ph * i / 4);
    o << "<text x='" << kL - 4 << "' y='" << y + 4 << "' text-anchor='end'>"
      << fmt(v >= 100 ? "%.0f" : "%.2f", v) << "</text>";
    o << "<line x1='" << kL << "' x2='" << kL + pw << "' y1='" << y << "' y2='" << y
      << "' stroke='#eee'/>";
  }
  o << "<text x='" << kL + pw / 2 << "' y='" << kH - 5 << "' text-anchor='middle'>seconds (" << n
    << ")</text>";
  o << "<text x='12' y='" << kT + ph / 2 << "' transform='rotate(-90 12 " << kT + ph / 2
    << ")' text-anchor='middle'>" << html_escape(unit) << "</text>";
  int legend_y = kT + 12;
  for (const auto& s : series) {
    o << "<polyline fill='none' stroke='" << s.colour << "' stroke-width='1.5' points='";
    for (std::size_t i = 0; i < s.values.size(); ++i) {
      const double x = kL + (n > 1 ? double(pw) * double(i) / double(n - 1) : 0);
      const double y = kT + ph - ph * s.values[i] / ymax;
      o << fmt("%.1f", x) << "," << fmt("%.1f", y) << " ";
    }
    o << "'/>";
    o << "<text x='" << kL + pw + 8 << "' y='" << legend_y << "' fill='" << s.colour << "'>"
      << html_escape(s.name) << "</text>";
    legend_y += 14;
  }
  o << "</svg>";
  return o.str();
}

// The latency histogram: counts per bucket on a log-scaled value axis.
std::string svg_histogram(const std::string& title, const LatencyHistogram& h) {
  constexpr int kW = 720, kH = 240, kL = 60, kB = 30, kT = 24, kR = 20;
  std::ostringstream o;
  o << "<svg xmlns='http://www.w3.org/2000/svg' width='" << kW << "' height='" << kH
    << "' font-family='sans-serif' font-size='11'>";
  o << "<text x='" << kL << "' y='15' font-weight='bold'>" << html_escape(title) << "</text>";
  if (h.count() == 0) {
    o << "<text x='" << kL << "' y='60'>no samples</text></svg>";
    return o.str();
  }
  // Regroup the fine buckets into ~48 log-spaced columns between min and max.
  const double lo = std::max<double>(1, double(h.min()));
  const double hi = std::max(lo * 1.01, double(h.max()) + 1);
  constexpr int kColumns = 48;
  std::vector<std::uint64_t> cols(kColumns, 0);
  for (std::size_t i = 0; i < LatencyHistogram::kBucketCount; ++i) {
    const auto c = h.bucket_count(i);
    if (c == 0) continue;
    const double v = std::max(1.0, double(LatencyHistogram::bucket_lower(i)));
    int col = int(std::log(v / lo) / std::log(hi / lo) * kColumns);
    col = std::clamp(col, 0, kColumns - 1);
    cols[std::size_t(col)] += c;
  }
  const double cmax = double(*std::max_element(cols.begin(), cols.end()));
  const int pw = kW - kL - kR, ph = kH - kT - kB;
  const double bw = double(pw) / kColumns;
  for (int i = 0; i < kColumns; ++i) {
    const double bh = cmax > 0 ? ph * double(cols[std::size_t(i)]) / cmax : 0;
    o << "<rect x='" << fmt("%.1f", kL + bw * i) << "' y='" << fmt("%.1f", kT + ph - bh)
      << "' width='" << fmt("%.1f", bw - 1) << "' height='" << fmt("%.1f", bh)
      << "' fill='#4a7ebb'><title>" << cols[std::size_t(i)] << "</title></rect>";
  }
  for (int i = 0; i <= 4; ++i) {
    const double v = lo * std::pow(hi / lo, i / 4.0);
    o << "<text x='" << fmt("%.0f", kL + pw * i / 4.0) << "' y='" << kH - 8
      << "' text-anchor='middle'>" << html_escape(format_us(std::uint64_t(v))) << "</text>";
  }
  for (double q : {0.5, 0.99}) {
    const double v = std::max(1.0, double(h.value_at_quantile(q)));
    const double x = kL + pw * std::clamp(std::log(v / lo) / std::log(hi / lo), 0.0, 1.0);
    o << "<line x1='" << fmt("%.1f", x) << "' x2='" << fmt("%.1f", x) << "' y1='" << kT << "' y2='"
      << kT + ph << "' stroke='#c33' stroke-dasharray='4 3'/>";
    o << "<text x='" << fmt("%.1f", x + 3) << "' y='" << kT + 12 << "' fill='#c33'>"
      << (q == 0.5 ? "p50" : "p99") << "</text>";
  }
  o << "</svg>";
  return o.str();
}

}  // namespace

SecondStats& RunStats::at_second(std::int64_t s) {
  const auto i = std::size_t(std::max<std::int64_t>(0, s));
  if (seconds.size() <= i) seconds.resize(i + 1);
  return seconds[i];
}

std::string text_report(const ReportHeader& h, const RunStats& s, const Verdict& v) {
  std::ostringstream o;
  o << "cho4-sim report\n";
  o << "  seed " << h.seed << "  scenario fingerprint " << std::hex << h.fingerprint << std::dec
    << "\n";
  o << "  target " << h.target << "\n  " << h.scenario << "\n";
  o << "  stalls " << h.stalls << "  devices " << h.devices << "  elapsed "
    << fmt("%.1f s", double(s.elapsed_ms) / 1000) << "\n";
  const double secs = std::max(0.001, double(s.elapsed_ms) / 1000);
  o << "  payments " << s.payments << " (" << fmt("%.0f/s", double(s.payments) / secs)
    << ")  deliveries " << s.deliveries << "  retries " << s.retries << "  gave up " << s.gave_up
    << "\n";
  o << "  forged refused " << s.rejected_401 << "  forged accepted " << s.forged_accepted
    << "  http errors " << s.http_errors << "  server kills " << s.kills << "\n";
  o << "  orders " << s.orders_created << "  PNGs decoded " << s.pngs_decoded << " (failures "
    << s.png_decode_failures << ")  device reconnects " << s.device_reconnects << "\n";
  if (s.server_rss_max_kb) o << "  server RSS max " << s.server_rss_max_kb / 1024 << " MiB\n";
  o << "latency (from each request's intended send time)\n";
  percentiles(o, "webhook ack       ", s.webhook_us);
  percentiles(o, "order create      ", s.order_us);
  percentiles(o, "bank send → device", v.send_to_device_us);
  o << "verdict: acknowledged " << v.acknowledged << ", matched " << v.matched
    << ", never acknowledged " << v.unacknowledged << ", duplicate records " << v.duplicate_records
    << ", devices " << v.devices_checked << " (" << v.device_events << " events)\n";
  if (v.passed()) {
    o << "PASS: no discrepancy\n";
  } else {
    o << "FAIL: discrepancies";
    for (const auto& [cat, n] : v.counts_by_category) o << "  " << cat << "=" << n;
    o << "\n";
    for (const auto& d : v.discrepancies) o << "  [" << d.category << "] " << d.detail << "\n";
    o << "replay with --seed " << h.seed << "\n";
  }
  return o.str();
}

std::string html_report(const ReportHeader& h, const RunStats& s, const Verdict& v) {
  std::vector<double> sent, acked, errors, p50, p99, dev99;
  for (const auto& sec : s.seconds) {
    sent.push_back(double(sec.sent));
    acked.push_back(double(sec.acked));
    errors.push_back(double(sec.errors));
    p50.push_back(double(sec.webhook_us.value_at_quantile(0.5)) / 1000);
    p99.push_back(double(sec.webhook_us.value_at_quantile(0.99)) / 1000);
    dev99.push_back(double(sec.device_us.value_at_quantile(0.99)) / 1000);
  }
  std::ostringstream o;
  o << "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>cho4-sim seed " << h.seed
    << "</title><style>body{font-family:sans-serif;max-width:780px;margin:2em auto}"
    << "pre{background:#f6f6f6;padding:1em;overflow-x:auto}.pass{color:#180}.fail{color:#c00}"
    << "</style></head><body>";
  o << "<h1>cho4-sim: <span class='" << (v.passed() ? "pass'>PASS" : "fail'>FAIL")
    << "</span></h1>";
  o << "<p>seed " << h.seed << " · " << html_escape(h.scenario) << " · target "
    << html_escape(h.target) << "</p>";
  o << svg_lines("Throughput (webhook deliveries per second)", "per second",
                 {{"sent", "#4a7ebb", sent}, {"acked", "#2a2", acked}, {"errors", "#c33", errors}});
  o << svg_lines("Webhook ack latency per second", "ms",
                 {{"p50", "#4a7ebb", p50}, {"p99", "#c33", p99}, {"device p99", "#a6a", dev99}});
  o << svg_histogram("Latency histogram: bank send → device", v.send_to_device_us);
  o << svg_histogram("Latency histogram: webhook acknowledgement", s.webhook_us);
  o << "<h2>Report</h2><pre>" << html_escape(text_report(h, s, v)) << "</pre>";
  if (!h.command_line.empty())
    o << "<p>command: <code>" << html_escape(h.command_line) << "</code></p>";
  o << "</body></html>\n";
  return o.str();
}

std::string summary_json(const ReportHeader& h, const RunStats& s, const Verdict& v,
                         double target_rate_per_s) {
  std::ostringstream o;
  const double secs = std::max(0.001, double(s.elapsed_ms) / 1000);
  auto pct = [&o](const char* name, const LatencyHistogram& hist) {
    o << ",\"" << name << "\":{\"count\":" << hist.count()
      << ",\"p50_us\":" << hist.value_at_quantile(0.5)
      << ",\"p90_us\":" << hist.value_at_quantile(0.9)
      << ",\"p99_us\":" << hist.value_at_quantile(0.99)
      << ",\"p999_us\":" << hist.value_at_quantile(0.999) << ",\"max_us\":" << hist.max() << "}";
  };
  std::uint64_t discrepancies = 0;
  for (const auto& [cat, n] : v.counts_by_category) discrepancies += n;
  o << "{\"seed\":" << h.seed << ",\"passed\":" << (v.passed() ? "true" : "false")
    << ",\"discrepancies\":" << discrepancies << ",\"payments\":" << s.payments
    << ",\"deliveries\":" << s.deliveries << ",\"target_rate_per_s\":" << target_rate_per_s
    << ",\"elapsed_s\":" << fmt("%.3f", secs) << ",\"stalls\":" << h.stalls
    << ",\"devices\":" << h.devices << ",\"device_events\":" << v.device_events
    << ",\"server_rss_max_kb\":" << s.server_rss_max_kb << ",\"kills\":" << s.kills
    << ",\"gave_up\":" << s.gave_up;
  pct("webhook", s.webhook_us);
  pct("send_to_device", v.send_to_device_us);
  // The same per-second series the HTML charts draw, so a tail can be placed in time.
  o << ",\"seconds\":[";
  for (std::size_t i = 0; i < s.seconds.size(); ++i) {
    const SecondStats& sec = s.seconds[i];
    o << (i ? "," : "") << "{\"sent\":" << sec.sent << ",\"acked\":" << sec.acked
      << ",\"errors\":" << sec.errors
      << ",\"webhook_p50_us\":" << sec.webhook_us.value_at_quantile(0.5)
      << ",\"webhook_p99_us\":" << sec.webhook_us.value_at_quantile(0.99)
      << ",\"device_p99_us\":" << sec.device_us.value_at_quantile(0.99) << "}";
  }
  o << "]}\n";
  return o.str();
}

std::string progress_line(const RunStats& s, std::int64_t now_ms, std::int64_t duration_ms) {
  std::uint64_t last_sent = 0, last_err = 0;
  const auto sec = std::size_t(std::max<std::int64_t>(0, now_ms / 1000 - 1));
  if (sec < s.seconds.size()) {
    last_sent = s.seconds[sec].sent;
    last_err = s.seconds[sec].errors;
  }
  char buf[256];
  std::snprintf(
      buf, sizeof buf,
      "\r%6.1f/%.0f s  %6llu/s  payments %llu  errors %llu (%llu/s)  kills %llu  "
      "p99 ack %s   ",
      double(now_ms) / 1000, double(duration_ms) / 1000, static_cast<unsigned long long>(last_sent),
      static_cast<unsigned long long>(s.payments), static_cast<unsigned long long>(s.http_errors),
      static_cast<unsigned long long>(last_err), static_cast<unsigned long long>(s.kills),
      format_us(s.webhook_us.value_at_quantile(0.99)).c_str());
  return buf;
}

}  // namespace cho4::sim
