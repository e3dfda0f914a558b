// Runs a bare Cortex-M0+ binary on rp2040js's core (no ROM, no peripherals):
//
//   node bare_runner.mjs BINARY ENTRY_HEX INPUT OUTPUT
//
// BINARY is loaded at the start of SRAM, INPUT at 0x20030000; execution
// starts at ENTRY.  Each BKPT 1 ... BKPT 2 pair is timed in core cycles;
// BKPT 0xff ends the run.  OUTPUT gets the 64 KiB from 0x20030000 back; the
// cycle counts are printed as JSON on stdout.
import fs from 'node:fs';
import process from 'node:process';
import { RP2040 } from 'rp2040js';

const [binary, entry, input, output] = process.argv.slice(2);
const SRAM = 0x20000000;
const IO = 0x30000;
const mcu = new RP2040();
mcu.sram.set(fs.readFileSync(binary), 0);
mcu.sram.set(fs.readFileSync(input), IO);
mcu.core.SP = 0x20040000;
mcu.core.PC = parseInt(entry, 16) & ~1;
let done = false;
let start = 0;
const cycles = [];
mcu.onBreak = (code) => {
  if (code === 1) {
    start = mcu.core.cycles;
  } else if (code === 2) {
    cycles.push(mcu.core.cycles - start);
  } else if (code === 0xff) {
    done = true;
  } else {
    process.stderr.write(`unexpected BKPT ${code} at 0x${(mcu.core.PC - 2).toString(16)}\n`);
    process.exit(4);
  }
};
const limit = 20e9;
while (!done && mcu.core.cycles < limit) {
  mcu.core.executeInstruction();
}
if (!done) {
  process.stderr.write('the program did not finish\n');
  process.exit(5);
}
fs.writeFileSync(output, mcu.sram.subarray(IO, IO + 0x10000));
process.stdout.write(JSON.stringify({ cycles }) + '\n');
