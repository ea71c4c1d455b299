/**
 * A page of `uid` open on a real server (`url` is its origin): its presence stream, held as that
 * signed-in user's browser holds it (the standalone server's `x-forwarded-user`). Abort it to
 * close the page.
 */
export async function openPage(url: string, uid: string): Promise<AbortController> {
  const page = new AbortController();
  const response = await fetch(`${url}/presence/stream?v=2`, {
    headers: { accept: 'text/event-stream', 'x-forwarded-user': uid },
    signal: page.signal,
  });
  // Read on in the background until the page goes away.
  void response.body!.pipeTo(new WritableStream()).catch(() => {});
  return page;
}
