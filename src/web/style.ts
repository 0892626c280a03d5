/**
 * The one stylesheet, served by the node at /assets/style.css. Mobile-first:
 * one column, big touch targets; wider screens get more room. Colours keep a
 * contrast of at least 4.5:1 on the background.
 */
export const STYLESHEET = `
*{box-sizing:border-box}
body{font-family:system-ui,sans-serif;margin:0;line-height:1.5;color:#1b1b1b;background:#fcfcf7;font-size:1.05rem}
main{padding:1rem;max-width:60rem;margin:0 auto}
a{color:#0b5d2a}
a:focus,button:focus,input:focus,select:focus,textarea:focus{outline:3px solid #b5461b;outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem;z-index:2}
header.site{background:#0b5d2a;color:#fff;padding:.5rem 1rem}
header.site a{color:#fff;margin-right:1rem;display:inline-block;padding:.4rem 0}
header.site form{display:inline}
header.site button{background:none;border:1px solid #fff;color:#fff;padding:.3rem .7rem;min-height:auto}
h1,h2,h3{line-height:1.2}h2{margin-top:2rem;border-bottom:2px solid #d9d6c8;padding-bottom:.2rem}
table{border-collapse:collapse;width:100%;display:block;overflow-x:auto}
th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid #ccc;vertical-align:top}
.muted{color:#4d4d4d}
.flash{background:#e3f1e6;border-left:4px solid #0b5d2a;padding:.6rem 1rem}
.error{background:#fbe9e4;border-left:4px solid #a3300f;padding:.6rem 1rem}
.warn{background:#fff4d6;border-left:4px solid #8a5a00;padding:.3rem .6rem;margin:.3rem 0}
ol.legs{margin:0;padding-left:1.2rem}
details{margin:.4rem 0}summary{cursor:pointer;padding:.6rem 0;color:#0b5d2a;font-weight:600}
tr.form-row td{border-bottom:1px solid #ccc;padding-top:0}
.field-error{color:#a3300f;font-weight:600;margin:.2rem 0}
form.stack fieldset{display:grid;gap:.5rem;padding:.5rem .7rem;margin:0;min-width:0}
.empty{color:#4d4d4d;font-style:italic}
form.stack{display:grid;gap:.6rem;max-width:32rem;background:#fff;border:1px solid #d9d6c8;padding:1rem;border-radius:.4rem}
form.inline{display:inline-flex;gap:.4rem;align-items:end;flex-wrap:wrap;margin:.2rem 0}
label{display:block;font-weight:600}
label span.hint{font-weight:400;color:#4d4d4d;font-size:.9rem}
input,select,textarea{font:inherit;padding:.45rem;border:1px solid #767676;border-radius:.3rem;width:100%;background:#fff;color:#1b1b1b}
form.inline input{width:7rem}
input[type=radio],input[type=checkbox]{width:1.4rem;height:1.4rem;margin:0;flex:none}
.choice{display:flex;gap:.7rem;align-items:center;padding:.35rem 0}.choice label{font-weight:400}
button{font:inherit;min-height:2.75rem;padding:.45rem 1rem;border-radius:.3rem;border:1px solid #0b5d2a;background:#0b5d2a;color:#fff;cursor:pointer}
a.button{display:inline-block;padding:.6rem 1rem;border-radius:.3rem;background:#0b5d2a;color:#fff;text-decoration:none;font-weight:600}
button.secondary{background:#fff;color:#0b5d2a}
button.danger{background:#a3300f;border-color:#a3300f}
fieldset{border:1px solid #d9d6c8;border-radius:.3rem}
.cards{display:grid;gap:1rem}
.card{background:#fff;border:1px solid #d9d6c8;border-radius:.4rem;padding:.8rem}
.card h3{margin:.2rem 0 .4rem}
.map svg{width:100%;height:auto;border:1px solid #d9d6c8}
@media (min-width:48rem){.cards{grid-template-columns:repeat(2,1fr)}main{padding:1.5rem}}
`;
