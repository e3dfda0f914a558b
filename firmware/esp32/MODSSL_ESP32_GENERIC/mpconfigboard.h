// Generic ESP32 with modssl (see mpconfigboard.cmake).
#define MICROPY_HW_BOARD_NAME "Generic ESP32 module (modssl)"
#define MICROPY_HW_MCU_NAME "ESP32"
