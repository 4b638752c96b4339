/*
 * Test-only stand-in for bcryptprimitives.dll, which Wine 8 lacks: Rust's
 * standard library (and so the keystore binding's Windows build) imports
 * ProcessPrng from it. Built with mingw-w64 by test/support/windows-keyring.ts
 * and put beside the binding's .node file of a test install, or on the PATH
 * of a single executable's test, only; never shipped. ProcessPrng fills a buffer with random bytes and never fails;
 * here advapi32's RtlGenRandom (SystemFunction036), which Wine has, does it.
 */
#include <windows.h>
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
  while (length > 0) {
    ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
    if (!SystemFunction036(data, chunk)) return FALSE;
    data += chunk;
    length -= chunk;
  }
  return TRUE;
}
