// The page's own script (static: it never contains user input). Three jobs plotly.js cannot do alone:
//  1. Step buttons: a button named "step-back" / "step-forward" is pointed, the moment it is clicked,
//     at the frame before / after the one on show (plotly.js animates to a frame by name only).
//  2. Predictions: in a figure whose layout.meta.grow is set, each path trace whose meta.grow is set
//     is drawn only up to the frame on show (its line clipped with a dash pattern, later markers
//     hidden), so the outcome is not on the page before Play.
//  3. Touch: a finger on a chart's plot area scrolls the page (the touch events never reach plotly's
//     drag layer, which would swallow them); a tap still becomes the browser's click, which plotly
//     turns into a selection: on the contour map, the new start.
//  4. Presentation mode: the stage's height follows what stands above it (sizeStage).
//  5. Reveal redraws the chart: it goes back to the frame that was on show (restore).
//  6. A figure whose layout.meta.autoplay is set plays once when it is first drawn (a student's
//     phone after Reveal: the run plays without a tap).
(function () {
  if (window.__descentPage) return;
  window.__descentPage = true;

  function frameNames(gd) {
    return (gd._transitionData && gd._transitionData._frames || []).map(function (f) { return f.name; });
  }

  // The frame on show: remembered from plotly_animatingframe, because a redraw resets plotly's own
  // record of it (and is handed back after one, so that Play continues from there).
  function current(gd) {
    return gd.__descentFrame !== undefined ? gd.__descentFrame : gd._fullLayout && gd._fullLayout._currentFrame;
  }

  function currentIndex(gd) {
    var i = frameNames(gd).indexOf(current(gd));
    return i < 0 ? 0 : i;
  }

  // 1. step buttons, retargeted in the capture phase, before plotly's own click handler reads them
  //    (a click flagged `__descentSame` re-applies the frame on show: see redrawWhenStopped)
  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest(".updatemenu-button");
    var gd = button && button.closest(".js-plotly-plot");
    var d = button && button.__data__;
    if (gd && gd._fullLayout && current(gd) != null) gd._fullLayout._currentFrame = current(gd);  // Play from here
    if (!gd || !d || (d.name !== "step-back" && d.name !== "step-forward")) return;
    var names = frameNames(gd);
    if (!names.length) return;
    if (gd.__descentJump) { d.args[0] = [gd.__descentJump]; gd.__descentJump = null; return; }  // see restore
    var i = currentIndex(gd) + (gd.__descentSame ? 0 : d.name === "step-back" ? -1 : 1);
    d.args[0] = [names[Math.max(0, Math.min(names.length - 1, i))]];
  }, true);

  // After Play, Fast or Slow (frames applied without a redraw) plotly.js stops turning a click on the
  // plot into a selection; re-applying the frame on show, redrawn (the step button's way), restores it.
  function redrawWhenStopped(gd) {
    if (gd.__descentSame) { gd.__descentSame = false; return; }  // this was the re-application
    var forward = [].find.call(gd.querySelectorAll(".updatemenu-button"), function (b) {
      return b.__data__ && b.__data__.name === "step-forward";
    });
    if (!forward || current(gd) == null) return;
    gd.__descentSame = true;
    setTimeout(function () { forward.dispatchEvent(new MouseEvent("click", { bubbles: true })); }, 0);
  }

  // 3. touch scrolls the page; a tap is a click
  ["touchstart", "touchmove", "touchend"].forEach(function (type) {
    document.addEventListener(type, function (e) {
      if (e.target.closest && e.target.closest(".js-plotly-plot .nsewdrag")) e.stopPropagation();
    }, { capture: true, passive: true });
  });

  // 2. paths that grow with the animation
  function grow(gd) {
    if (!(gd.layout && gd.layout.meta && gd.layout.meta.grow)) return;
    var name = current(gd);
    var tick = name === undefined || name === null || isNaN(+name) ? 0 : +name;
    gd.querySelectorAll(".scatterlayer .trace").forEach(function (g) {
      var cd = g.__data__, trace = cd && cd[0] && cd[0].trace;
      if (!trace || !trace.meta || !trace.meta.grow) return;
      var k = Math.floor(tick / (trace.meta.sync || 1));  // runs compared by epoch: its own step
      var line = g.querySelector("path.js-line");
      if (line) {
        var pts = (line.getAttribute("d") || "").match(/-?\d*\.?\d+(?:e[-+]?\d+)?,-?\d*\.?\d+(?:e[-+]?\d+)?/gi) || [];
        var length = 0;
        for (var i = 1; i <= Math.min(k, pts.length - 1); i++) {
          var a = pts[i - 1].split(",").map(Number), b = pts[i].split(",").map(Number);
          length += Math.hypot(b[0] - a[0], b[1] - a[1]);
        }
        line.style.strokeDasharray = length + "px 1000000px";
      }
      g.querySelectorAll("path.point").forEach(function (p) {
        var point = p.__data__;
        p.style.display = point && point.i > k ? "none" : "";
      });
    });
  }

  // 5. The animation stays where it was when the page redraws the same animation (Reveal shows the
  //    runs' ends on the same paths): the frame on show is remembered by the figure's scene
  //    (layout.meta.scene, the same for the same runs) and shown again in the new figure.
  var remembered = {};
  function scene(gd) { return gd.layout && gd.layout.meta && gd.layout.meta.scene; }
  function restore(gd) {
    var want = scene(gd) && remembered[scene(gd)];
    if (!want || frameNames(gd).indexOf(want) < 0 || want === frameNames(gd)[0]) return;
    var forward = [].find.call(gd.querySelectorAll(".updatemenu-button"), function (b) {
      return b.__data__ && b.__data__.name === "step-forward";
    });
    if (!forward) return;
    gd.__descentJump = want;
    setTimeout(function () { forward.dispatchEvent(new MouseEvent("click", { bubbles: true })); }, 0);
  }
  function redrawn(gd) {  // a new figure in this chart: it shows its first frame until restored
    if (gd.__descentSeen === gd.layout) return;
    gd.__descentSeen = gd.layout;
    gd.__descentFrame = undefined;
    restore(gd);
    autoplay(gd);
  }

  // 6. plays once, by its own Play button (the frame duration and the step buttons' bookkeeping
  //    are then the same as a tap's)
  var played = {};
  function autoplay(gd) {
    var meta = gd.layout && gd.layout.meta;
    if (!meta || !meta.autoplay || played[meta.scene]) return;
    var play = [].find.call(gd.querySelectorAll(".updatemenu-button"), function (b) {
      return b.__data__ && b.__data__.name === "play";
    });
    if (!play) return;
    played[meta.scene] = true;
    setTimeout(function () { play.dispatchEvent(new MouseEvent("click", { bubbles: true })); }, 400);
  }

  function hook(gd) {
    if (gd.__descentHooked || typeof gd.on !== "function") return;
    gd.__descentHooked = true;
    gd.on("plotly_animatingframe", function (e) {
      gd.__descentFrame = e && e.name;
      if (scene(gd)) remembered[scene(gd)] = gd.__descentFrame;
      grow(gd);
    });
    gd.on("plotly_afterplot", function () { redrawn(gd); grow(gd); });
    gd.on("plotly_sliderchange", function () { setTimeout(function () { grow(gd); }, 0); });
    gd.on("plotly_animated", function () { redrawWhenStopped(gd); });
    gd.on("plotly_animationinterrupted", function () { if (!gd.__descentSame) redrawWhenStopped(gd); });
    redrawn(gd);
    grow(gd);
  }

  // 4. Presentation mode: the stage (the main chart) takes the screen's height below the lesson's
  //    bar, whatever the bar's height (present.css reads --stage-offset).
  function sizeStage() {
    var stage = document.querySelector(".st-key-stage");
    if (!stage) return;
    // its distance from the top of the page, not of the screen: scrolling must not change it
    var scroller = stage.closest("[data-testid='stMain']") || document.scrollingElement;
    var top = Math.round(stage.getBoundingClientRect().top - scroller.getBoundingClientRect().top + scroller.scrollTop);
    var root = document.documentElement;
    if (root.style.getPropertyValue("--stage-offset") !== top + "px") root.style.setProperty("--stage-offset", top + "px");
  }

  setInterval(function () {
    document.querySelectorAll(".js-plotly-plot").forEach(hook);
    sizeStage();
  }, 300);
})();
