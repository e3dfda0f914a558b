// Stock Pico W + upstream `tls` (the size baseline, see mpconfigboard.cmake).
#define MICROPY_HW_BOARD_NAME                   "Raspberry Pi Pico W (upstream tls)"
#define MICROPY_HW_FLASH_STORAGE_BYTES          (848 * 1024)

#define MICROPY_PY_NETWORK 1
#define MICROPY_PY_NETWORK_HOSTNAME_DEFAULT     "PicoW"

// The CYW43 radio on SPI over PIO, with lwIP, as on RPI_PICO_W.
#define CYW43_USE_SPI (1)
#define CYW43_LWIP (1)
#define CYW43_GPIO (1)
#define CYW43_SPI_PIO (1)

#define MICROPY_HW_PIN_EXT_COUNT    CYW43_WL_GPIO_COUNT

// Pins the radio uses keep their IRQs over a soft reboot.
int mp_hal_is_pin_reserved(int n);
#define MICROPY_HW_PIN_RESERVED(i) mp_hal_is_pin_reserved(i)
