/* \summary: libnet glue; the only module that includes <libnet.h> */
#include <libnet.h>

#include "inject.h"

const char *
sl_inject_libnet_version(void)
{
	return libnet_version();
}
