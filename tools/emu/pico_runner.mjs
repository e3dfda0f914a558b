// Runs rp2 firmware on an emulated Raspberry Pi Pico (rp2040js) with modssl's
// own ROM (rom/), bridging the firmware's USB CDC serial to stdin/stdout.
//
//   node pico_runner.mjs --rom rom.bin --uf2 firmware.uf2 [--flash-image fs.bin]
//
// stdin/stdout carry the raw serial bytes (the harness puts a pty on them
// for mpremote); everything the runner itself says goes to stderr, one line
// each, prefixed "pico-runner:".  The ROM's BKPT traps are served here:
// flash erase/program on the emulated flash (rp2040js does not emulate
// flash writes), a request for the USB bootloader (exit 3), a fault (exit 4).
// With --flash-image, the flash is loaded from that file at start (after
// the UF2) and written back on exit, so a filesystem survives restarts.

import fs from 'node:fs';
import process from 'node:process';
import { Simulator, USBCDC } from 'rp2040js';

const FLASH_BASE = 0x10000000;
const UF2_MAGIC_START0 = 0x0a324655;
const UF2_MAGIC_START1 = 0x9e5d5157;
const UF2_MAGIC_END = 0x0ab16f30;
const CYCLE_NANOS = 1e9 / 125e6; // the Pico's 125 MHz system clock

// Keep in step with rom/rom_start.S.
const BKPT_FLASH_ERASE = 0x10;
const BKPT_FLASH_PROGRAM = 0x11;
const BKPT_USB_BOOT = 0x12;
const BKPT_UNKNOWN_LOOKUP = 0x13;
const BKPT_FAULT = 0x14;
const BKPT_UNIMPLEMENTED = 0x15;

function say(message) {
  process.stderr.write(`pico-runner: ${message}\n`);
}

function parseArgs(argv) {
  const args = { rom: null, uf2: null, flashImage: null, maxSeconds: 0 };
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    switch (argv[i]) {
      case '--rom': args.rom = value; i++; break;
      case '--uf2': args.uf2 = value; i++; break;
      case '--flash-image': args.flashImage = value; i++; break;
      case '--max-seconds': args.maxSeconds = Number(value); i++; break;
      default: throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  if (!args.rom || !args.uf2) {
    throw new Error('usage: pico_runner.mjs --rom ROM.bin --uf2 FIRMWARE.uf2 [--flash-image FILE] [--max-seconds N]');
  }
  return args;
}

// rp2040js reports through a logger that writes to the console (stdout):
// send it to stderr so that stdout stays the serial line.
const stderrLogger = {
  debug() {},
  info() {},
  warn(component, message) { say(`[${component}] ${message}`); },
  error(component, message) { say(`error [${component}] ${message}`); },
};

function loadUF2(data, flash) {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let blocks = 0;
  for (let offset = 0; offset + 512 <= data.length; offset += 512) {
    if (view.getUint32(offset, true) !== UF2_MAGIC_START0 || view.getUint32(offset + 4, true) !== UF2_MAGIC_START1
        || view.getUint32(offset + 508, true) !== UF2_MAGIC_END) {
      throw new Error(`UF2 block ${offset / 512} has a bad magic number`);
    }
    const target = view.getUint32(offset + 12, true);
    const size = view.getUint32(offset + 16, true);
    if (target < FLASH_BASE || target + size > FLASH_BASE + flash.length || size > 476) {
      throw new Error(`UF2 block ${offset / 512} targets 0x${target.toString(16)}, outside flash`);
    }
    flash.set(data.subarray(offset + 32, offset + 32 + size), target - FLASH_BASE);
    blocks++;
  }
  if (blocks === 0) {
    throw new Error('the UF2 file has no blocks');
  }
  return blocks;
}

function checkFlashRange(mcu, offset, count, what) {
  if (offset < 0 || count < 0 || offset + count > mcu.flash.length) {
    say(`${what} outside flash: offset 0x${offset.toString(16)} count ${count}`);
    return false;
  }
  return true;
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  // Simulator brings the RP2040 with its simulation clock; we drive the loop.
  const { rp2040: mcu, clock } = new Simulator();
  mcu.logger = stderrLogger;

  const rom = fs.readFileSync(args.rom);
  if (rom.length > 16 * 1024 || rom.length % 4) {
    throw new Error(`${args.rom}: a ROM is at most 16 KiB of whole words, got ${rom.length} bytes`);
  }
  const romWords = new Uint32Array(rom.length / 4);
  for (let i = 0; i < romWords.length; i++) {
    romWords[i] = rom.readUInt32LE(i * 4);
  }
  mcu.loadBootrom(romWords);
  const blocks = loadUF2(fs.readFileSync(args.uf2), mcu.flash);
  say(`loaded ${blocks} UF2 blocks`);
  // The filesystem lives past the firmware: a saved image carries it over.
  // The image holds the flash range ever written (its start address, then
  // the bytes); it is saved with that range again, whatever this run writes.
  let lowestWrite = mcu.flash.length;
  let highestWrite = 0;
  if (args.flashImage && fs.existsSync(args.flashImage)) {
    const image = fs.readFileSync(args.flashImage);
    const fsStart = image.readUInt32LE(0);
    if (fsStart >= mcu.flash.length) {
      throw new Error(`${args.flashImage}: not a flash image of this runner`);
    }
    const saved = image.subarray(4, 4 + mcu.flash.length - fsStart);
    mcu.flash.set(saved, fsStart);
    lowestWrite = fsStart;
    highestWrite = fsStart + saved.length;
    say(`flash from 0x${fsStart.toString(16)} restored from ${args.flashImage}`);
  }

  let exitCode = null;
  const finish = (code) => {
    if (exitCode === null) {
      exitCode = code;
    }
  };

  mcu.onBreak = (code) => {
    const r = mcu.core.registers;
    switch (code) {
      case BKPT_FLASH_ERASE:
        if (checkFlashRange(mcu, r[0], r[1], 'erase')) {
          mcu.flash.fill(0xff, r[0], r[0] + r[1]);
          lowestWrite = Math.min(lowestWrite, r[0]);
          highestWrite = Math.max(highestWrite, r[0] + r[1]);
        }
        break;
      case BKPT_FLASH_PROGRAM:
        if (checkFlashRange(mcu, r[0], r[2], 'program')) {
          for (let i = 0; i < r[2]; i++) {
            mcu.flash[r[0] + i] &= mcu.readUint8(r[1] + i); // programming only clears bits
          }
          lowestWrite = Math.min(lowestWrite, r[0]);
          highestWrite = Math.max(highestWrite, r[0] + r[2]);
        }
        break;
      case BKPT_USB_BOOT:
        say('the firmware asked for the USB bootloader (machine.bootloader()): stopping');
        finish(3);
        break;
      case BKPT_UNKNOWN_LOOKUP:
        say(`ROM lookup of a code this ROM does not have: ${String.fromCharCode(r[1] & 0xff, (r[1] >> 8) & 0xff)}`);
        break;
      case BKPT_UNIMPLEMENTED:
        say(`the firmware called a ROM routine this ROM does not implement (from 0x${mcu.core.LR.toString(16)})`);
        finish(4);
        break;
      case BKPT_FAULT:
        say(`fault in ROM vectors (PC 0x${mcu.core.PC.toString(16)}, LR 0x${mcu.core.LR.toString(16)})`);
        finish(4);
        break;
      default:
        say(`breakpoint ${code} in the firmware at 0x${(mcu.core.PC - 2).toString(16)} (panic?): stopping`);
        finish(4);
    }
  };

  const cdc = new USBCDC(mcu.usbCtrl);
  const pending = [];
  let connected = false;
  cdc.onDeviceConnected = () => {
    connected = true;
    say('USB CDC connected');
  };
  cdc.onSerialData = (buffer) => {
    process.stdout.write(Buffer.from(buffer));
  };
  process.stdin.on('data', (chunk) => {
    for (const byte of chunk) {
      pending.push(byte);
    }
  });
  process.stdin.on('end', () => finish(0));
  const saveFlash = () => {
    if (args.flashImage && lowestWrite < mcu.flash.length) {
      const header = Buffer.alloc(4);
      header.writeUInt32LE(lowestWrite);
      const written = Buffer.from(mcu.flash.subarray(lowestWrite, highestWrite));
      fs.writeFileSync(args.flashImage, Buffer.concat([header, written]));
    }
  };
  process.on('SIGTERM', () => finish(0));
  process.on('SIGINT', () => finish(0));

  const started = Date.now();

  // Run in slices; between slices, hand queued input to the CDC and let
  // Node's event loop deliver stdin and flush stdout.
  const runSlice = () => {
    for (let i = 0; i < 40 && exitCode === null; i++) {
      if (connected) {
        while (pending.length && !cdc.txFIFO.full) {
          cdc.sendSerialByte(pending.shift());
        }
      }
      for (let n = 0; n < 25000 && exitCode === null; n++) {
        if (mcu.core.waiting) {
          const nanos = Math.max(clock.nanosToNextAlarm, 1000);
          clock.tick(nanos);
          n += nanos / CYCLE_NANOS;
        } else {
          clock.tick(mcu.core.executeInstruction() * CYCLE_NANOS);
        }
      }
    }
    if (args.maxSeconds && Date.now() - started > args.maxSeconds * 1000) {
      say(`--max-seconds ${args.maxSeconds} reached`);
      finish(5);
    }
    if (exitCode === null) {
      setImmediate(runSlice);
    } else {
      saveFlash();
      say(`stopped after ${(clock.nanos / 1e9).toFixed(3)} s of emulated time`);
      process.stdout.write('', () => process.exit(exitCode));
    }
  };
  runSlice();
}

try {
  main();
} catch (e) {
  say(e.message);
  process.exit(2);
}
