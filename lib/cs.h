/* SPDX-License-Identifier: MIT */
/* cs.h: include ClearSilver through here, never directly.
 *
 * ClearSilver's cs_config.h defines PACKAGE_NAME, PACKAGE_VERSION, ... as
 * "" and would clobber (or clash with) autoconf's. mdash never uses the
 * PACKAGE_* macros (it has MDASH_VERSION), so they are dropped on both
 * sides of the include. */
#ifndef MDASH_CS_H
#define MDASH_CS_H

#undef PACKAGE_NAME
#undef PACKAGE_STRING
#undef PACKAGE_VERSION
#undef PACKAGE_TARNAME
#undef PACKAGE_BUGREPORT
#undef PACKAGE_URL
#include <ClearSilver.h>
#include <cgi/cgi.h>
#undef PACKAGE_NAME
#undef PACKAGE_STRING
#undef PACKAGE_VERSION
#undef PACKAGE_TARNAME
#undef PACKAGE_BUGREPORT
#undef PACKAGE_URL

#endif
