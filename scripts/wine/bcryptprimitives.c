/*
 * bcryptprimitives.dll for Wine 8 (Debian bookworm), which lacks it: Go 1.22
 * and later call ProcessPrng from it at start-up, and a Go binary without it
 * dies with "bcryptprimitives.dll not found". ProcessPrng fills a buffer with
 * random bytes; this one asks RtlGenRandom (advapi32's SystemFunction036),
 * which Wine implements. Test use only: scripts/wine.sh builds it into the
 * Wine prefix, never into a release.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buf, ULONG len);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
	while (len > 0) {
		ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		len -= n;
	}
	return TRUE;
}
