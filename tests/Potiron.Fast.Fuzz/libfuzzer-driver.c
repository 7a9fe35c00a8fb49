// The libFuzzer side of SharpFuzz's libFuzzer mode (Fuzzer.LibFuzzer.Run): libFuzzer links with this file, starts
// the .NET harness once as a child, and for every input hands it over through shared memory and two pipes:
//   - environment __LIBFUZZER_SHM_ID: a System V segment of 64 KiB of coverage counters, then up to 1 MiB of input;
//   - environment __LIBFUZZER_CONTROL_PIPE_ID and __LIBFUZZER_STATUS_PIPE_ID: the two pipes' descriptors (198, 199);
//   - control (to the child): the input's length as a 32-bit int; status (from the child): 0 once ready, then per
//     input 0 (returned normally) or non-zero (an exception escaped).
// The child's coverage is copied into libFuzzer's extra counters after each input. Build (Debian: clang and
// libclang-rt-14-dev): clang -O1 -fsanitize=fuzzer libfuzzer-driver.c -o libfuzzer-dotnet
// Run: ./libfuzzer-dotnet --target_path=bin/Potiron.Fast.Fuzz --target_arg=libfuzzer-reader CORPUS_DIR
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/shm.h>
#include <sys/types.h>
#include <unistd.h>

#define COVERAGE_BYTES (1 << 16)
#define INPUT_BYTES (1 << 20)
#define CONTROL_FD 198
#define STATUS_FD 199

// Not static, and "used": libFuzzer reads the section, so the copy into it must not be optimised away.
__attribute__((used, section("__libfuzzer_extra_counters"))) uint8_t coverage[COVERAGE_BYTES];

static int control_fd = -1;
static int status_fd = -1;
static int segment_id = -1;
static uint8_t *shared;

static void fail(const char *what)
{
    fprintf(stderr, "libfuzzer-driver: %s: %s\n", what, errno ? strerror(errno) : "failed");
    exit(1);
}

static void remove_segment(void)
{
    if (segment_id >= 0)
        shmctl(segment_id, IPC_RMID, NULL);
}

// Reads or writes exactly four bytes, retrying after signals; false when the other side is gone.
static int transfer(int fd, void *value, int writing)
{
    ssize_t done;
    do
        done = writing ? write(fd, value, 4) : read(fd, value, 4);
    while (done < 0 && errno == EINTR);
    return done == 4;
}

static const char *flag(int argc, char **argv, const char *name)
{
    size_t length = strlen(name);
    for (int i = 1; i < argc; i++)
    {
        if (strncmp(argv[i], name, length) == 0 && argv[i][length] == '=' && argv[i][length + 1] != '\0')
            return argv[i] + length + 1;
    }
    return NULL;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *target = flag(*argc, *argv, "--target_path");
    const char *argument = flag(*argc, *argv, "--target_arg");
    if (target == NULL)
    {
        fprintf(stderr, "usage: %s --target_path=HARNESS [--target_arg=ARG] [libFuzzer options] [CORPUS...]\n", (*argv)[0]);
        exit(1);
    }

    int control[2], status[2];
    if (pipe(control) != 0 || pipe(status) != 0)
        fail("pipe");
    segment_id = shmget(IPC_PRIVATE, COVERAGE_BYTES + INPUT_BYTES, IPC_CREAT | IPC_EXCL | 0600);
    if (segment_id < 0)
        fail("shmget");
    atexit(remove_segment);
    shared = shmat(segment_id, NULL, 0);
    if (shared == (void *)-1)
        fail("shmat");

    pid_t child = fork();
    if (child < 0)
        fail("fork");
    if (child == 0)
    {
        char id[16];
        snprintf(id, sizeof id, "%d", segment_id);
        if (dup2(control[0], CONTROL_FD) < 0 || dup2(status[1], STATUS_FD) < 0 || setenv("__LIBFUZZER_SHM_ID", id, 1) != 0
            || setenv("__LIBFUZZER_CONTROL_PIPE_ID", "198", 1) != 0 || setenv("__LIBFUZZER_STATUS_PIPE_ID", "199", 1) != 0)
            fail("child setup");
        close(control[0]);
        close(control[1]);
        close(status[0]);
        close(status[1]);
        execl(target, target, argument, (char *)NULL);
        fail("exec");
    }

    close(control[0]);
    close(status[1]);
    control_fd = control[1];
    status_fd = status[0];
    int32_t ready;
    if (!transfer(status_fd, &ready, 0))
        fail("the harness did not start");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > INPUT_BYTES)
        return 0; // the harness's window holds 1 MiB: run with -max_len=1048576 or less
    memset(shared, 0, COVERAGE_BYTES);
    memcpy(shared + COVERAGE_BYTES, data, size);
    int32_t length = (int32_t)size, fault;
    if (!transfer(control_fd, &length, 1) || !transfer(status_fd, &fault, 0))
    {
        fprintf(stderr, "libfuzzer-driver: the harness died (stack overflow, out of memory or a kill)\n");
        abort();
    }
    memcpy(coverage, shared, COVERAGE_BYTES);
    if (fault != 0)
        abort(); // an exception escaped the target: the harness printed it
    return 0;
}
