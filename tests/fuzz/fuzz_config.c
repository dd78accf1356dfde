/* SPDX-License-Identifier: MIT */
/* fuzz_config.c: the settings file. */
#include <stdint.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct md_config cfg;
	struct buf err = {0};
	if (config_parse((const char *)data, size, "fuzz.hdf", &cfg, &err) == 0) {
		config_secret(&cfg, "x");
		config_free(&cfg);
	}
	buf_free(&err);
	return 0;
}
