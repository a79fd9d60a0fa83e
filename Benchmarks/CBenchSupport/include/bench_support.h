#ifndef OBOL_BENCH_SUPPORT_H
#define OBOL_BENCH_SUPPORT_H

#include <stddef.h>
#include <sys/types.h>

/// Bytes glibc's allocator has handed out and not had back: in-use chunks plus mmapped blocks
/// (mallinfo2's uordblks + hblkhd), whatever pages it keeps for reuse. 0 where mallinfo2 is missing.
size_t obol_bench_heap_in_use(void);

/// Starts this executable again (/proc/self/exe, no arguments) with `assignment` ("NAME=value") added to
/// the environment and its standard output on a pipe, whose read end goes to `*stdout_fd`. Returns the
/// child's pid, or -1. posix_spawn, so nothing runs in the child between fork and exec.
pid_t obol_bench_spawn_self(const char *assignment, int *stdout_fd);

/// Waits for `pid`; its exit status, or 128 + the signal that ended it.
int obol_bench_wait(pid_t pid);

/// In a child: be killed when the parent dies (Linux; nothing elsewhere).
void obol_bench_die_with_parent(void);

#endif
