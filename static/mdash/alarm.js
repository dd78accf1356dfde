/* SPDX-License-Identifier: MIT */
/* alarm.js: a widget entering danger pulses briefly (the CSS leaves that
 * out under prefers-reduced-motion). On a kiosk screen with ?sound=1, a
 * short two-note tone plays too, made by the Web Audio API (no file). */
import { isOn } from './util.js';

const ALARM_MS = 2500;
const alarmTimers = new WeakMap();   // widget -> the timer that ends its pulse
let audio = null;                    // set by startSound() on a kiosk with ?sound=1
let lastTone = 0;

// What the page shows first, as the server judges it: an error or
// staleness hides the value's colour.
export function inDanger(el) {
  return el.dataset.status === 'danger' && el.dataset.state !== 'error' && el.dataset.state !== 'stale';
}

export function alarm(el) {
  el.classList.remove('alarm');
  void el.offsetWidth;                       // restarts the pulse if it runs
  el.classList.add('alarm');
  clearTimeout(alarmTimers.get(el));
  alarmTimers.set(el, setTimeout(() => el.classList.remove('alarm'), ALARM_MS));
  if (audio) tone();
}

function tone() {
  if (Date.now() - lastTone < ALARM_MS) return;  // several widgets at once: one tone
  lastTone = Date.now();
  try {
    if (audio.state === 'suspended') audio.resume().catch(() => {});
    const t = audio.currentTime;
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.type = 'sine';
    osc.frequency.setValueAtTime(880, t);
    osc.frequency.setValueAtTime(660, t + 0.18);
    gain.gain.setValueAtTime(0.0001, t);
    gain.gain.exponentialRampToValueAtTime(0.25, t + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.4);
    osc.connect(gain).connect(audio.destination);
    osc.start(t);
    osc.stop(t + 0.42);
  } catch (e) {
    // No sound on this screen; the pulse still shows.
  }
}

export function startSound() {
  const soundOn = document.documentElement.classList.contains('kiosk') && isOn('sound');
  if (!soundOn || !window.AudioContext) return;
  // Browsers start audio only after a gesture, unless told otherwise
  // (a kiosk's --autoplay-policy=no-user-gesture-required): the first
  // touch, click or key on the wall unlocks it.
  try { audio = new AudioContext(); } catch (e) { audio = null; }
  const unlock = () => { if (audio && audio.state === 'suspended') audio.resume().catch(() => {}); };
  for (const ev of ['pointerdown', 'keydown']) addEventListener(ev, unlock, { passive: true });
}
