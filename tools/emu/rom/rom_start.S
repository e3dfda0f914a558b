/*
 * modssl's own RP2040 boot ROM for the rp2040js emulator: the entry code,
 * the header the Pico SDK reads and the lookup tables.
 *
 * No Raspberry Pi ROM image may be used here, so this file provides only
 * what MicroPython's rp2 firmware (Pico SDK 2.x) needs from a ROM:
 *   - reset: copy the flash's 256-byte boot2 to SRAM and run it, the way the
 *     real ROM does; boot2 then enters the firmware through its vector table;
 *   - the header at 0x10 (magic, version 3 = RP2040-B2, table pointers);
 *   - rom_table_lookup() and the function/data tables with the codes the
 *     SDK looks up (bit ops, mem ops, flash, USB boot, soft float/double);
 *   - flash erase/program as BKPT traps that the runner (pico_runner.mjs)
 *     carries out on its flash array, since rp2040js does not emulate writes.
 * The soft-float/double tables are in rom_float.c, mem/bit ops in rom_mem.c.
 */
    .syntax unified
    .cpu cortex-m0plus
    .thumb

/* BKPT numbers the runner handles (keep in step with pico_runner.mjs). */
    .equ BKPT_FLASH_ERASE, 0x10
    .equ BKPT_FLASH_PROGRAM, 0x11
    .equ BKPT_USB_BOOT, 0x12
    .equ BKPT_UNKNOWN_LOOKUP, 0x13
    .equ BKPT_FAULT, 0x14
    .equ BKPT_UNIMPLEMENTED, 0x15

    .equ SRAM_END, 0x20042000
    .equ BOOT2_SRAM, 0x20041f00
    .equ XIP_BASE, 0x10000000
    .equ SIO_CPUID, 0xd0000000

    .section .vectors, "ax"
    .word SRAM_END              /* initial SP */
    .word rom_reset + 1
    .word rom_fault + 1         /* NMI */
    .word rom_fault + 1         /* HardFault */

    /* 0x10: 'M', 'u', 0x01 then the ROM version (3: B2). */
    .byte 'M', 'u', 0x01, 3
    /* 0x14, 0x16, 0x18: 16-bit pointers the SDK dereferences. */
    .hword rom_func_table
    .hword rom_data_table
    .hword rom_table_lookup + 1

    .text
    .align 2
    .thumb_func
rom_reset:
    /* Only core 0 boots; rp2040js runs just one core, but park core 1 anyway. */
    ldr r0, =SIO_CPUID
    ldr r0, [r0]
    cmp r0, #0
    bne rom_park
    /* Copy boot2 (the first 256 bytes of flash) to the top of SRAM. */
    ldr r0, =XIP_BASE
    ldr r1, =BOOT2_SRAM
    movs r2, #64
1:  ldmia r0!, {r3}
    stmia r1!, {r3}
    subs r2, #1
    bne 1b
    /* boot2 pushes: its stack goes below it.  It ends by vectoring into the
     * flash image when it was called with lr = 0. */
    ldr r0, =BOOT2_SRAM
    mov sp, r0
    movs r0, #0
    mov lr, r0
    ldr r1, =BOOT2_SRAM + 1
    bx r1

    .thumb_func
rom_park:
    wfi
    b rom_park

    .thumb_func
rom_fault:
    bkpt BKPT_FAULT
    b rom_fault

/* A table entry this ROM leaves out (no SDK code calls it): stop loudly
 * rather than return a wrong answer. */
    .thumb_func
    .global rom_unimplemented
rom_unimplemented:
    bkpt BKPT_UNIMPLEMENTED
    b rom_unimplemented

/* void *rom_table_lookup(const uint16_t *table, uint32_t code): entries are
 * (code, pointer) half-word pairs ending with code 0. */
    .thumb_func
rom_table_lookup:
1:  ldrh r2, [r0]
    cmp r2, #0
    beq 2f
    cmp r2, r1
    beq 3f
    adds r0, #4
    b 1b
3:  ldrh r0, [r0, #2]
    bx lr
2:  /* Tell the runner which code was missing; callers get NULL as on a real ROM. */
    bkpt BKPT_UNKNOWN_LOOKUP
    movs r0, #0
    bx lr

/* Flash: the QSPI interface needs no set-up in the emulator; erase and
 * program are done by the runner on its flash array. */
    .thumb_func
rom_flash_nop:
    bx lr

    /* flash_range_erase(uint32_t offset, size_t count, uint32_t block_size, uint8_t block_cmd) */
    .thumb_func
rom_flash_range_erase:
    bkpt BKPT_FLASH_ERASE
    bx lr

    /* flash_range_program(uint32_t offset, const uint8_t *data, size_t count) */
    .thumb_func
rom_flash_range_program:
    bkpt BKPT_FLASH_PROGRAM
    bx lr

    /* reset_usb_boot(uint32_t gpio_mask, uint32_t disable_mask): the runner stops. */
    .thumb_func
rom_reset_usb_boot:
    bkpt BKPT_USB_BOOT
    b rom_reset_usb_boot

/* double sincos: sin in r0:r1 and cos in r2:r3, the SDK's register convention. */
    .thumb_func
    .global rom_dsincos
rom_dsincos:
    push {r4, r5, r6, r7, lr}
    mov r6, r0
    mov r7, r1
    bl rom_dcos
    mov r4, r0
    mov r5, r1
    mov r0, r6
    mov r1, r7
    bl rom_dsin
    mov r2, r4
    mov r3, r5
    pop {r4, r5, r6, r7, pc}

    .ltorg

    .section .rodata.tables, "a"
    .align 2
#define ENTRY(c1, c2, sym) .byte c1, c2; .hword sym + 1
#define DATA(c1, c2, sym) .byte c1, c2; .hword sym
rom_func_table:
    ENTRY('P', '3', rom_popcount32)
    ENTRY('R', '3', rom_reverse32)
    ENTRY('L', '3', rom_clz32)
    ENTRY('T', '3', rom_ctz32)
    ENTRY('M', 'S', rom_memset)
    ENTRY('S', '4', rom_memset4)
    ENTRY('M', 'C', rom_memcpy)
    ENTRY('C', '4', rom_memcpy44)
    ENTRY('I', 'F', rom_flash_nop)
    ENTRY('E', 'X', rom_flash_nop)
    ENTRY('F', 'C', rom_flash_nop)
    ENTRY('C', 'X', rom_flash_nop)
    ENTRY('R', 'E', rom_flash_range_erase)
    ENTRY('R', 'P', rom_flash_range_program)
    ENTRY('U', 'B', rom_reset_usb_boot)
    .hword 0, 0

rom_data_table:
    DATA('S', 'F', rom_sf_block + 4)
    DATA('S', 'D', rom_sd_block + 4)
    DATA('C', 'R', rom_copyright)
    .hword 0, 0

rom_copyright:
    .asciz "modssl emulator ROM (not a Raspberry Pi ROM)"
