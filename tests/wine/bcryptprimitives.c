/* Test-only stand-in for Windows' bcryptprimitives.dll, built with mingw-w64 by scripts/test-cross.sh and put
 * beside the amlc.exe that the wine tests run. Rust's standard library asks ProcessPrng for random bytes (hash
 * seeds); Debian's wine 8 has no such export, so without this the exe stops at start-up with status 53.
 * RtlGenRandom (exported by advapi32 as SystemFunction036) gives the same bytes on wine. Never shipped:
 * real Windows has the real DLL, and scripts/package.sh never sees this file. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
