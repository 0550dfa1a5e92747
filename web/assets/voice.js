// Announcer: says each new payment out loud. Uses the browser's speech synthesis with a
// Vietnamese voice, reading the words cho4 sends (cho4 spells amounts itself because speech
// engines read "50000" and "đ" wrongly); where no Vietnamese voice exists it plays a chime
// through WebAudio instead (a rising pair for money in, a falling alarm for an underpayment).
// Browsers only allow sound after a tap, so unlock() must run from a click.
//
// SpokenSet: the credit ids already announced on this device, persisted in localStorage so a
// reload, a reconnect or an at-least-once redelivery never announces the same credit twice.

const SPOKEN_MAX = 1000; // bounded: older ids fall off (a replay that old is a history reload)

export class SpokenSet {
  constructor(storageKey) {
    this.key = storageKey;
    let ids = [];
    try {
      ids = JSON.parse(localStorage.getItem(storageKey) || '[]');
    } catch {
      ids = [];
    }
    this.ids = Array.isArray(ids) ? ids.map(String) : [];
    this.set = new Set(this.ids);
  }

  has(id) { return this.set.has(String(id)); }

  // Returns true when the id was new (and is now recorded).
  add(id) {
    const k = String(id);
    if (this.set.has(k)) return false;
    this.ids.push(k);
    this.set.add(k);
    while (this.ids.length > SPOKEN_MAX) this.set.delete(this.ids.shift());
    try {
      localStorage.setItem(this.key, JSON.stringify(this.ids));
    } catch {
      // Storage full or disabled: the in-memory set still prevents repeats in this session.
    }
    return true;
  }
}

export class Announcer {
  constructor() {
    this.synth = typeof window.speechSynthesis === 'object' ? window.speechSynthesis : null;
    this.voice = null;
    this.audio = null;
    this.unlocked = false;
    this.pickVoice();
    this.synth?.addEventListener?.('voiceschanged', () => this.pickVoice());
  }

  pickVoice() {
    const voices = this.synth?.getVoices?.() ?? [];
    const vi = voices.filter((v) => /^vi([-_]|$)/i.test(v.lang || ''));
    this.voice = vi.find((v) => /vn/i.test(v.lang)) ?? vi[0] ?? null;
  }

  hasVietnameseVoice() { return this.voice !== null; }

  // From a user gesture: resumes audio and primes speech so later announcements are allowed.
  unlock() {
    this.unlocked = true;
    try {
      const Ctx = window.AudioContext || window.webkitAudioContext;
      if (Ctx && !this.audio) this.audio = new Ctx();
      this.audio?.resume?.();
    } catch {
      this.audio = null;
    }
    this.pickVoice();
  }

  // Says `text` (Vietnamese). `alarm` marks bad news: louder chime, slower speech.
  say(text, { alarm = false } = {}) {
    if (!text) return;
    if (this.synth && this.voice) {
      const u = new SpeechSynthesisUtterance(text);
      u.lang = 'vi-VN';
      u.voice = this.voice;
      u.rate = alarm ? 0.85 : 1.0;
      u.volume = 1;
      this.synth.speak(u);
      return;
    }
    this.chime(alarm);
  }

  chime(alarm) {
    if (!this.audio) {
      try {
        const Ctx = window.AudioContext || window.webkitAudioContext;
        if (Ctx) this.audio = new Ctx();
      } catch {
        return;
      }
    }
    const ctx = this.audio;
    if (!ctx) return;
    // Money in: two rising notes. Underpaid: three falling pairs, hard to miss.
    const notes = alarm
      ? [880, 440, 880, 440, 880, 440]
      : [660, 990];
    const step = alarm ? 0.22 : 0.18;
    const t0 = ctx.currentTime + 0.02;
    notes.forEach((f, i) => {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = alarm ? 'square' : 'sine';
      osc.frequency.value = f;
      gain.gain.setValueAtTime(0.0001, t0 + i * step);
      gain.gain.exponentialRampToValueAtTime(alarm ? 0.5 : 0.35, t0 + i * step + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t0 + i * step + step * 0.95);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t0 + i * step);
      osc.stop(t0 + (i + 1) * step);
    });
  }
}
