/**
 * The column-parallel ADC (CADC) that the PPU reads the analog calcium trace through: `bits` of
 * resolution over [0, range] of calcium, a ramp converter (code = ⌊input / LSB⌋, so "code ≥ ⌊θ/LSB⌉"
 * is the threshold test), saturation at both ends, a per-channel gain and offset (fixed-pattern
 * mismatch) and Gaussian read noise (temporal noise).
 */
import type { RandomStream } from '../../random/streams.js';

export interface AdcSettings {
  readonly bits: number;
  /** Calcium value at the top code. */
  readonly range: number;
  /** Multiplicative gain of this channel (1 = ideal). */
  readonly gain: number;
  /** Offset of this channel, LSB. */
  readonly offset_lsb: number;
  /** Read noise, SD in LSB. */
  readonly noise_lsb: number;
}

export class Cadc {
  readonly maxCode: number;
  /** Calcium per LSB. */
  readonly lsb: number;
  /** Reads that clipped at the top or bottom code. */
  saturations = 0;
  reads = 0;
  private readonly scale: number;

  constructor(readonly settings: AdcSettings, private readonly noise?: RandomStream) {
    this.maxCode = 2 ** settings.bits - 1;
    this.lsb = settings.range / this.maxCode;
    this.scale = settings.gain / this.lsb;
  }

  /** The code for a calcium level, as the PPU reads it. */
  read(c: number): number {
    this.reads++;
    let x = c * this.scale + this.settings.offset_lsb;
    if (this.settings.noise_lsb > 0 && this.noise) x += this.settings.noise_lsb * this.noise.gaussian();
    let code = Math.floor(x);
    if (code > this.maxCode) {
      code = this.maxCode;
      this.saturations++;
    } else if (code < 0) {
      if (x < -1) this.saturations++;
      code = 0;
    }
    return code;
  }

  /** The ideal code of a threshold θ (what the PPU compares codes with). */
  thresholdCode(theta: number): number {
    return Math.round(theta / this.lsb);
  }

  /** True when no read of calcium `c` can reach `code` (noise beyond 8 SD ignored). */
  surelyBelow(c: number, code: number): boolean {
    return c * this.scale + this.settings.offset_lsb + 8 * this.settings.noise_lsb < code;
  }
}
