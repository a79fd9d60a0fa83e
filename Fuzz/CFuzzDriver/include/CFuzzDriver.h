#ifndef OBOL_FUZZ_DRIVER_H
#define OBOL_FUZZ_DRIVER_H

#include <stddef.h>
#include <stdint.h>

/// libFuzzer's entry point for a program with its own `main` (compiler-rt's FuzzerInterface.h): parses the
/// libFuzzer flags in argv and runs `callback` on every input. SwiftPM links executables with their own
/// `main`, so each target's `@main` calls this rather than defining `LLVMFuzzerTestOneInput` alone.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
