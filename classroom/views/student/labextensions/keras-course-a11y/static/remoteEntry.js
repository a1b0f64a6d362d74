// keras-course-a11y: the names and roles JupyterLab 4.6 leaves out, found by axe-core's WCAG 2.0/2.1
// A/AA rules in the student view (tests/test_lab_accessibility.py). Each fix names the upstream issue
// where there is one (none was found for the others, JupyterLab 4.6.6, December 2026). After a JupyterLab
// upgrade, delete a fix and run the test: if it still passes, the fix is no longer needed.
//
// A prebuilt ("federated") extension written by hand: it imports nothing from JupyterLab, so it needs no
// bundler. JupyterLab loads this script, calls init() with its shared modules and get('./extension').
(function () {
  'use strict';

  // The notebook's cell list has role="feed"; a feed's items must be articles (WAI-ARIA feed pattern;
  // see jupyterlab/jupyterlab#14765 on the notebook's ARIA structure).
  const FEED_CELL = '[role="feed"] > .jp-Cell:not([role])';
  // CodeMirror's editable area has role="textbox" and no name; CodeMirror leaves naming it to the
  // application (codemirror/dev#1127), and JupyterLab does not.
  const EDITOR = '.cm-content[role="textbox"]:not([aria-label]):not([aria-labelledby])';
  // A markdown heading's collapse button is an empty <button> (cells/src/widget.ts,
  // maybeCreateCollapseButton).
  const COLLAPSER = '.jp-collapseHeadingButton';
  // Toolbar buttons put aria-pressed on the <jp-button> host, which has no role; the web component
  // copies it onto the <button> inside its shadow root, where it belongs (jupyterlab/jupyterlab#16891).
  const PRESSED_HOST = 'jp-button[aria-pressed]';
  // The search boxes' clear button (in <jp-search>'s shadow root, @jupyter/web-components) has only
  // an icon.
  const SEARCH_BOX = 'jp-search';
  // Running panel: a kernel's logo stands beside its name, so it is decorative (alt="").
  const KERNEL_LOGO = '.jp-mod-kernelspec > img:not([alt])';
  // nbgrader's Assignments panel (hub students): its "Downloaded assignments" list has role="tablist",
  // copied from a Bootstrap accordion, but it never holds a tab (each assignment is a link that opens a
  // panel), so a tablist without tabs is all a screen reader gets. Nothing is lost by dropping the role.
  const NBGRADER_TABLIST = '#fetched_assignments_list[role="tablist"]';

  const CELL_KINDS = [['jp-CodeCell', 'Code'], ['jp-MarkdownCell', 'Markdown'], ['jp-RawCell', 'Raw']];

  function editorName(editor) {
    const cell = editor.closest('.jp-Cell');
    if (cell) {
      const kind = CELL_KINDS.find(([cls]) => cell.classList.contains(cls));
      return (kind ? kind[1] + ' cell' : 'Cell') + ' source';
    }
    if (editor.closest('.jp-CodeConsole')) return 'Console input';
    if (editor.closest('.jp-FileEditor')) return 'File contents';
    return 'Code editor';
  }

  function headingText(button) {
    const cell = button.closest('.jp-MarkdownCell');
    if (!cell) return '';
    const level = button.getAttribute('data-heading-level');
    const heading = cell.querySelector('.jp-RenderedMarkdown h' + level) ||
      cell.querySelector('.jp-RenderedMarkdown :is(h1, h2, h3, h4, h5, h6)');
    if (!heading) return '';
    const copy = heading.cloneNode(true);
    copy.querySelectorAll('.jp-InternalAnchorLink').forEach(anchor => anchor.remove());
    return copy.textContent.trim();
  }

  // Named after its heading (as an accordion's header is), with the state in aria-expanded.
  function nameCollapser(button) {
    const text = headingText(button);
    const label = text ? 'Section: ' + text : 'Section';
    if (button.getAttribute('aria-label') !== label) button.setAttribute('aria-label', label);
    const expanded = String(!button.classList.contains('jp-mod-collapsed'));
    if (button.getAttribute('aria-expanded') !== expanded) button.setAttribute('aria-expanded', expanded);
  }

  // The inner button's pressed state, which the web component clears when the host's attribute goes.
  const pressed = new WeakMap();

  function movePressed(host) {
    const inner = host.shadowRoot && host.shadowRoot.querySelector('button');
    const value = host.getAttribute('aria-pressed');
    if (!inner || value === null) return;
    pressed.set(inner, value);
    host.removeAttribute('aria-pressed');
    inner.setAttribute('aria-pressed', value);
    if (inner.dataset.coursePressedKept) return;
    inner.dataset.coursePressedKept = 'true';
    new MutationObserver(() => {
      const wanted = pressed.get(inner);
      if (inner.getAttribute('aria-pressed') !== wanted) inner.setAttribute('aria-pressed', wanted);
    }).observe(inner, { attributes: true, attributeFilter: ['aria-pressed'] });
  }

  function nameClearButton(searchBox) {
    const button = searchBox.shadowRoot && searchBox.shadowRoot.querySelector('.clear-button:not([aria-label])');
    if (button) button.setAttribute('aria-label', 'Clear search');
  }

  function each(root, selector, fix) {
    if (root.matches(selector)) fix(root);
    root.querySelectorAll(selector).forEach(fix);
  }

  function fixSubtree(root) {
    each(root, FEED_CELL, cell => cell.setAttribute('role', 'article'));
    each(root, EDITOR, editor => editor.setAttribute('aria-label', editorName(editor)));
    each(root, PRESSED_HOST, movePressed);
    each(root, SEARCH_BOX, nameClearButton);
    each(root, KERNEL_LOGO, logo => logo.setAttribute('alt', ''));
    each(root, NBGRADER_TABLIST, list => {
      list.removeAttribute('role');
      list.removeAttribute('aria-multiselectable');
    });
    // A re-rendered markdown cell may have a new heading text for its button.
    const cell = root.closest('.jp-MarkdownCell');
    (cell || root).querySelectorAll(COLLAPSER).forEach(nameCollapser);
    if (root.matches(COLLAPSER)) nameCollapser(root);
  }

  function onMutations(records) {
    for (const record of records) {
      if (record.type === 'childList') {
        record.addedNodes.forEach(node => node.nodeType === Node.ELEMENT_NODE && fixSubtree(node));
      } else if (record.attributeName === 'aria-pressed') {
        if (record.target.matches(PRESSED_HOST)) movePressed(record.target);
      } else if (record.target.classList.contains('jp-collapseHeadingButton')) {
        nameCollapser(record.target);
      }
    }
  }

  const plugin = {
    id: 'keras-course-a11y:plugin',
    description: 'Names and roles for assistive technology that JupyterLab leaves out.',
    autoStart: true,
    activate: () => {
      new MutationObserver(onMutations).observe(document.body, {
        childList: true, subtree: true, attributes: true, attributeFilter: ['aria-pressed', 'class'],
      });
      fixSubtree(document.body);
    },
  };

  window._JUPYTERLAB = window._JUPYTERLAB || {};
  window._JUPYTERLAB['keras-course-a11y'] = {
    init: () => Promise.resolve(),  // it uses none of JupyterLab's shared modules
    get: module => module === './extension'
      ? Promise.resolve(() => ({ __esModule: true, default: [plugin] }))
      : Promise.reject(new Error('keras-course-a11y has no module ' + module)),
  };
})();
