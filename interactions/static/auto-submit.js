// Posts on the one form of a page that only carries data to another address (interactions/continue.ejs).
// A file of its own, not inline, so the page's CSP allows scripts from our origin and nothing else.
document.querySelector('form[data-auto-submit]')?.submit();
