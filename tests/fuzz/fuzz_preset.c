/* fuzz_preset.c: libFuzzer target for the preset-file reader (`sltsim figure FILE.fig`). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/preset.h"
#include "engine/slt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 20)
        return 0;
    char path[] = "/tmp/sltsim-fuzz-XXXXXX.fig";
    int fd = mkstemps(path, 4);
    if (fd < 0 || (size && write(fd, data, size) < 0))
        abort();
    close(fd);
    slt_preset p;
    char err[SLT_ERRLEN];
    if (slt_preset_load(path, &p, err) == SLT_OK)
        slt_preset_free(&p);
    unlink(path);
    return 0;
}
