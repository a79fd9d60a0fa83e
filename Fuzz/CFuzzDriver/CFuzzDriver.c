// Declarations only (CFuzzDriver.h); libFuzzer itself is linked by -sanitize=fuzzer.
#include "CFuzzDriver.h"
