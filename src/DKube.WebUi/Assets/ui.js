// Starts Blazor with Fluent UI's web components. The package's JS initializer (its lib.module.js)
// is normally found through the host's static web assets manifest, which this UI does not use (its
// assets are embedded, WebUiAssets): so the page starts Blazor itself (autostart="false") and runs
// the initializer's two steps around it, as Blazor would.
import * as fluent from './_content/Microsoft.FluentUI.AspNetCore.Components/Microsoft.FluentUI.AspNetCore.Components.lib.module.js';

fluent.beforeWebStart({});
await Blazor.start();
fluent.afterWebStarted(Blazor);
