/**
 * dd-draggable.ts 14.1.0
 * Copyright (c) 2021-2025  Alain Dumesny - see GridStack root license
 */
import { DDManager } from './dd-manager';
import { DDDroppable } from './dd-droppable';
import { Utils } from './utils';
import { DDBaseImplement } from './dd-base-impl';
import { isTouch, touchend, touchmove, touchstart, cancelPendingTouchDrag, DDTouch } from './dd-touch';
// make sure we are not clicking on known object that handles mouseDown
const skipMouseDown = 'input,textarea,button,select,option,[contenteditable="true"],.ui-resizable-handle';
// let count = 0; // TEST
class DDDraggable extends DDBaseImplement {
    constructor(el, option = {}) {
        super();
        this.el = el;
        this.option = option;
        /** @internal */
        this.dragTransform = {
            xScale: 1,
            yScale: 1,
            xOffset: 0,
            yOffset: 0
        };
        /** @internal how far the helper's containing block has slid since dragstart.
         * A transform on an ancestor makes IT - not the viewport - the containing block for our
         * position:fixed helper, so the left/top we write are relative to that element, and it scrolls
         * away from where we measured it at dragstart, drifting the helper off the cursor (#2728).
         * With no transform the probe below always reads (0,0) so this stays zero and nothing changes. */
        this._cbDrift = { dx: 0, dy: 0 };
        /** @internal re-probe where our containing block now sits and record how far it moved since dragstart,
         * then re-place the helper right away rather than waiting for the next mouse move. */
        this._updateCBDrift = () => {
            if (!this.dragging || !this.helperContainment)
                return;
            const t = Utils.getValuesFromTransformedElement(this.helperContainment);
            this._cbDrift = {
                dx: t.xOffset - this.dragTransform.xOffset,
                dy: t.yOffset - this.dragTransform.yOffset,
            };
            if (this.lastDrag)
                this._dragFollow(this.lastDrag);
        };
        /** @internal single tick of the auto-scroll animation loop */
        this._autoScrollTick = () => {
            const el = this.helper;
            const scrollCont = this._autoScrollContainer;
            if (!el || !scrollCont || !this.lastDrag) {
                this._stopScrolling();
                return;
            }
            const scrollAmount = this._getScrollAmount(el, scrollCont, this.lastDrag.clientY);
            if (!scrollAmount) {
                this._stopScrolling();
                return;
            }
            const prevScroll = scrollCont.scrollTop;
            scrollCont.scrollTop += scrollAmount;
            if (scrollCont.scrollTop === prevScroll) {
                // This container is pinned at its limit. We used to just give up, which with nested scroll
                // containers meant the drag dead-ended the moment the INNER one bottomed out and the page
                // behind it never moved (#3355). Hand off to the next scrollable ancestor instead.
                const next = scrollCont.parentElement ? Utils.getScrollElement(scrollCont.parentElement) : undefined;
                if (!next || next === scrollCont) {
                    this._stopScrolling();
                    return;
                }
                const nextPrev = next.scrollTop;
                next.scrollTop += scrollAmount;
                if (next.scrollTop === nextPrev) {
                    this._stopScrolling();
                    return;
                } // that one's pinned too
                this._autoScrollContainer = next; // keep going on the one that can actually move
            }
            if (this.dragging && this.lastDrag) {
                this._updateCBDrift(); // we just scrolled; the 'scroll' event lands async so re-sync now
                this._dragFollow(this.lastDrag);
                this._callDrag(this.lastDrag);
            }
            this._autoScrollAnimId = requestAnimationFrame(this._autoScrollTick);
        };
        // get the element that is actually supposed to be dragged by
        const handleName = option?.handle?.substring(1);
        const n = el.gridstackNode;
        this.dragEls = !handleName || el.classList.contains(handleName) ? [el] : (n?.subGrid ? [el.querySelector(option.handle) || el] : this.getAllHandles());
        if (this.dragEls.length === 0) {
            this.dragEls = [el];
        }
        // create var event binding so we can easily remove and still look like TS methods (unlike anonymous functions)
        this._mouseDown = this._mouseDown.bind(this);
        this._mouseMove = this._mouseMove.bind(this);
        this._mouseUp = this._mouseUp.bind(this);
        this._keyEvent = this._keyEvent.bind(this);
        this.enable();
    }
    /** return all handles omitting other nested `.grid-stack-item` children (in case node.subGrid isn't set for some reason) */
    getAllHandles() {
        const handle = this.option.handle;
        if (!handle)
            return []; // caller falls back to the item itself
        const found = [];
        // querySelectorAll() stops dead at a shadow boundary, so a handle living inside a web component
        // could never be found and the whole card stayed draggable (#3148). Descend into open shadow
        // roots too - closed ones are not reachable by design.
        const scan = (root) => {
            found.push(...Array.from(root.querySelectorAll(handle)));
            root.querySelectorAll('*').forEach(child => {
                const shadow = child.shadowRoot;
                if (shadow)
                    scan(shadow);
            });
        };
        scan(this.el);
        return found.filter((node) => {
            if (!(node instanceof HTMLElement))
                return false;
            // a handle inside a shadow root has no light-DOM .grid-stack-item ancestor to check against,
            // so walk out through the host(s) to find who really owns it
            let owner = node.closest('.grid-stack-item');
            let root = node.getRootNode();
            while (!owner && root instanceof ShadowRoot) {
                owner = root.host.closest('.grid-stack-item');
                root = root.host.getRootNode();
            }
            return owner === this.el || !owner;
        });
    }
    on(event, callback) {
        super.on(event, callback);
    }
    off(event) {
        super.off(event);
    }
    enable() {
        if (this.disabled === false)
            return;
        super.enable();
        this.dragEls.forEach(dragEl => {
            dragEl.addEventListener('mousedown', this._mouseDown);
            if (isTouch) {
                dragEl.addEventListener('touchstart', touchstart);
            }
        });
        this.el.classList.remove('ui-draggable-disabled');
    }
    disable(forDestroy = false) {
        if (this.disabled === true)
            return;
        super.disable();
        cancelPendingTouchDrag();
        this.dragEls.forEach(dragEl => {
            dragEl.removeEventListener('mousedown', this._mouseDown);
            if (isTouch) {
                dragEl.removeEventListener('touchstart', touchstart);
            }
        });
        if (!forDestroy)
            this.el.classList.add('ui-draggable-disabled');
    }
    destroy() {
        if (this.dragTimeout)
            window.clearTimeout(this.dragTimeout);
        delete this.dragTimeout;
        if (this.mouseDownEvent)
            this._mouseUp(this.mouseDownEvent);
        this.disable(true);
        delete this.el;
        delete this.option;
        super.destroy();
    }
    updateOption(opts) {
        Object.assign(this.option, opts);
        return this;
    }
    /**
     * Re-scans the item element for drag-handle elements after delayed content (React portal,
     * Angular component, etc.) has been rendered into the item.  Removes listeners from the
     * previous handle set, re-queries, then re-attaches.
     * Not needed for the default `.grid-stack-item-content` handle which is always present.
     */
    refreshHandles() {
        const wasDisabled = this.disabled;
        // Remove listeners from the current (possibly stale) handle elements.
        if (!wasDisabled)
            this.disable(true); // forDestroy=true skips the CSS class toggle
        // Re-query handles now that framework content is in the DOM.
        const handleName = this.option?.handle?.substring(1);
        const n = this.el.gridstackNode;
        this.dragEls = !handleName || this.el.classList.contains(handleName)
            ? [this.el]
            : (n?.subGrid ? [this.el.querySelector(this.option.handle) || this.el] : this.getAllHandles());
        if (this.dragEls.length === 0)
            this.dragEls = [this.el];
        // Restore previous enabled/disabled state with the new handle set.
        if (!wasDisabled)
            this.enable();
    }
    /** @internal does any element on the event's path match the selector?
     * Same walk as `e.target.closest(sel)` but through shadow DOM: for a listener outside the shadow
     * tree the browser retargets `e.target` to the *host*, and `closest()` won't cross the boundary
     * either, so a `cancel` selector living inside a web component could never match (#2729). */
    _matchInPath(e, selector) {
        const path = e.composedPath?.();
        if (!path?.length)
            return e.target?.closest(selector) ?? undefined;
        for (const t of path) {
            const el = t;
            if (el?.nodeType !== 1)
                continue; // skip ShadowRoot / document / window
            if (el.matches?.(selector))
                return el;
        }
        return undefined;
    }
    /** @internal call when mouse goes down before a dragstart happens */
    _mouseDown(e) {
        // if real browser event (trusted:true vs false for our simulated ones) and prior touch/mouse state didn't clean up, reset it.
        // Only reset mouseHandled when the timeStamp differs from the current event — a different timeStamp means this is a new user
        // interaction where a prior drag didn't clean up. The same timeStamp means this _mouseDown is a bubble of the very same click
        // that a deeper nested item already handled, so we must NOT reset the flag (that would let the parent steal the drag).
        if (e.isTrusted) {
            if (DDTouch.touchHandled)
                DDTouch.touchHandled = false;
            if (DDManager.mouseHandled && e.timeStamp !== DDManager.mouseHandledTimeStamp)
                delete DDManager.mouseHandled; // stale from incomplete prior drag
        }
        // don't let more than one widget handle mouseStart
        if (DDManager.mouseHandled)
            return true;
        if (e.button !== 0)
            return true; // only left click
        // make sure we are not clicking on known object that handles mouseDown, or ones supplied by the user.
        // compare the blocked ancestor (not just the target) against our handles: an icon/span nested inside a
        // handle that IS a <button> must still drag (#2703), while a real <button> nested inside a larger
        // handle (the default .grid-stack-item-content) must still keep its click.
        const skipEl = e.target.closest(skipMouseDown);
        if (skipEl && !this.dragEls.some(el => el === e.target || el === skipEl))
            return true;
        if (this.option.cancel) {
            if (this._matchInPath(e, this.option.cancel))
                return true;
        }
        this.mouseDownEvent = e;
        delete this.dragging;
        delete DDManager.dragElement;
        delete DDManager.dropElement;
        delete this._autoScrollMaxSpeed;
        delete this._autoScrollContainer;
        // document handler so we can continue receiving moves as the item is 'fixed' position, and capture=true so WE get a first crack
        document.addEventListener('mousemove', this._mouseMove, { capture: true, passive: true }); // true=capture, not bubble
        document.addEventListener('mouseup', this._mouseUp, true);
        if (isTouch && e.currentTarget) {
            // remember what we bound to: _mouseUp() is a document handler so its own currentTarget is
            // NOT this element, and these were added bubbling - removing with capture=true never matched,
            // leaking a handler per drag that then replayed each touchmove N times over (#2666).
            this._touchTarget = e.currentTarget;
            this._touchTarget.addEventListener('touchmove', touchmove);
            this._touchTarget.addEventListener('touchend', touchend);
            this._touchTarget.addEventListener('touchcancel', touchend); // browser aborting on us, clean up too
        }
        if (DDTouch.wasDelayed) {
            // the long-press wait just elapsed - signal the item is now armed & ready to drag
            this.el.classList.add('ui-draggable-armed');
        }
        e.preventDefault();
        // preventDefault() prevents blur event which occurs just after mousedown event.
        // if an editable content has focus, then blur must be call
        if (document.activeElement)
            document.activeElement.blur();
        DDManager.mouseHandled = true;
        DDManager.mouseHandledTimeStamp = e.timeStamp;
        return true;
    }
    /** @internal method to call actual drag event */
    _callDrag(e) {
        if (!this.dragging)
            return;
        const ev = Utils.initEvent(e, { target: this.el, type: 'drag' });
        if (this.option.drag) {
            this.option.drag(ev, this.ui());
        }
        this.triggerEvent('drag', ev);
    }
    /**
     * @internal fraction of the dragged item over the given drop target (a sub-grid's whole cell, as its nested .grid-stack
     * is only as tall as its rows), or undefined while a sub-grid is still sliding into place: its parent grid pushes it
     * out of our way as we go in or out, and deciding on that mid-way position would flip us right back.
     */
    _overlap(drop, rect) {
        if (drop.eventEl !== drop.el && drop.eventEl.getAnimations?.().some(a => 'transitionProperty' in a))
            return undefined;
        return DDDroppable.overlap(rect, drop.eventEl.getBoundingClientRect());
    }
    /**
     * Which grid (or trash) we're over goes by how much of the item is over it rather than where the cursor is, which depends on
     * where the item was grabbed (and can't get it above/below a sub-grid flush with its parent's edge, as both share that edge).
     * Go into the innermost one under the item's center once enough of it is over it (DDDroppable.enterOver - more for a
     * sub-grid, so coming in at the edge of a nest we go into its outer grid first, as we come out of it), and out once not
     * enough is (stayOver) to the closest outer grid still having enough of it. Going to a neighbor instead takes clearly
     * more of it over that one than ours (switchBy).
     */
    _checkDropTarget(e) {
        const shape = this.helper?.getBoundingClientRect();
        const rect = shape?.width && shape.height ? shape // else nothing to measure (an unsized helper): go by the cursor
            : { left: e.clientX, top: e.clientY, right: e.clientX + 1, bottom: e.clientY + 1, width: 1, height: 1 };
        const cur = DDManager.dropElement;
        // drop targets under the item's center, innermost first - looking inside web components, as elementFromPoint() stops at their host
        const x = rect.left + rect.width / 2, y = rect.top + rect.height / 2;
        let el = document.elementFromPoint?.(x, y);
        while (el?.shadowRoot) {
            const inner = el.shadowRoot.elementFromPoint?.(x, y);
            if (!inner || !el.shadowRoot.contains(inner))
                break;
            el = inner;
        }
        const under = [];
        for (; el; el = DDDroppable.parentOf(el)) {
            const d = DDDroppable.byEventEl.get(el);
            if (d && !d.disabled && d._canDrop(this.el))
                under.push(d);
        }
        const kind = (d) => !d.el.gridstack ? 'trash' : d.parentDroppable() ? 'sub' : 'grid';
        const over = cur ? this._overlap(cur, rect) : 0;
        if (over === undefined)
            return; // the one we're in is still sliding into place
        // going in (not to one we're already in, or around): an inner one (or drawn over ours, like a trash bar over the grid) once
        // enough of us is over it, a neighbor (other grid, or a sibling sub-grid at just half) once clearly more of us is over it
        // than ours, so we don't flip on the line between them
        for (const d of under) {
            if (cur?.within(d))
                break;
            const o = this._overlap(d, rect) ?? 0;
            const neighbor = cur && !d.within(cur) && DDDroppable.overlap(d.eventEl.getBoundingClientRect(), cur.eventEl.getBoundingClientRect()) < 0.5;
            const sibling = neighbor && cur.within(d.parentDroppable());
            if (o >= (sibling ? 0.5 : DDDroppable.enterOver[kind(d)]) && (!neighbor || o >= over + DDDroppable.switchBy))
                return d._mouseEnter(e);
        }
        // going out: once not enough of us is over it (unless a neighbor has most of us, see above) to the closest outer grid
        // that still has enough of us, if any (so flying out fast doesn't drop it in the parent grid for a moment)
        if (!cur || over >= DDDroppable.stayOver[kind(cur)])
            return;
        if (under.some(d => !cur.within(d) && (this._overlap(d, rect) ?? 0) >= 0.5))
            return;
        let to = cur.parentDroppable();
        while (to && !(to._canDrop(this.el) && (this._overlap(to, rect) ?? 1) >= DDDroppable.stayOver[kind(to)]))
            to = to.parentDroppable();
        if (to)
            to._mouseEnter(e);
        else
            cur._mouseLeave(e);
    }
    /** @internal called when the main page (after successful mousedown) receives a move event to drag the item around the screen */
    _mouseMove(e) {
        // console.log(`${count++} move ${e.x},${e.y}`)
        const s = this.mouseDownEvent;
        this.lastDrag = e;
        if (this.dragging) {
            this._dragFollow(e);
            // delay actual grid handling drag until we pause for a while if set
            if (DDManager.pauseDrag) {
                const pause = Number.isInteger(DDManager.pauseDrag) ? DDManager.pauseDrag : 100;
                if (this.dragTimeout)
                    window.clearTimeout(this.dragTimeout);
                this.dragTimeout = window.setTimeout(() => this._callDrag(e), pause);
            }
            else {
                this._callDrag(e);
            }
            this._checkDropTarget(e);
            // once the cursor leaves the grid (pushed past its edge, the natural way to scroll) the grid stops
            // listening to 'drag' and never calls updateScrollPosition() again, so check ourself while over empty
            // space, else a quick push past the edge never starts the scroll #3356
            if (!DDManager.dropElement && this._autoScrollContainer)
                this._checkAutoScroll();
        }
        else if (Math.abs(e.x - s.x) + Math.abs(e.y - s.y) > 3) {
            /**
             * don't start unless we've moved at least 3 pixels
             */
            this.dragging = true;
            Utils.pauseIframePointerEvents(true);
            this.el.classList.remove('ui-draggable-armed');
            DDManager.dragElement = this;
            // if we're dragging an actual grid item, set the current drop as the grid (to detect enter/leave)
            const grid = this.el.gridstackNode?.grid;
            if (grid) {
                DDManager.dropElement = grid.el.ddElement?.ddDroppable;
                // register our grid's scroll container now rather than on its first 'drag' event: a quick push can
                // take the cursor off the grid before it ever gets one, leaving nothing to auto-scroll #3356
                if (grid.opts.draggable?.scroll !== false)
                    this._autoScrollContainer = Utils.getScrollElement(grid.el);
            }
            else {
                delete DDManager.dropElement;
            }
            this.helper = this._createHelper();
            this._setupHelperContainmentStyle();
            this.dragTransform = Utils.getValuesFromTransformedElement(this.helperContainment);
            this._cbDrift = { dx: 0, dy: 0 };
            this.dragOffset = this._getDragOffset(e, this.el, this.helperContainment);
            // capture=true: scroll doesn't bubble, so this is how we hear about ANY container scrolling
            document.addEventListener('scroll', this._updateCBDrift, { capture: true, passive: true });
            this._setupHelperStyle(e);
            const ev = Utils.initEvent(e, { target: this.el, type: 'dragstart' });
            if (this.option.start) {
                this.option.start(ev, this.ui());
            }
            this.triggerEvent('dragstart', ev);
            this._checkAutoScroll(); // the very move that started the drag may already be at/past an edge
            // now track keyboard events to cancel or rotate
            document.addEventListener('keydown', this._keyEvent);
        }
        // e.preventDefault(); // passive = true. OLD: was needed otherwise we get text sweep text selection as we drag around
        return true;
    }
    /** @internal call when the mouse gets released to drop the item at current location */
    _mouseUp(e) {
        this._stopScrolling();
        this.el.classList.remove('ui-draggable-armed');
        document.removeEventListener('mousemove', this._mouseMove, true);
        document.removeEventListener('mouseup', this._mouseUp, true);
        if (isTouch && this._touchTarget) { // destroy() during nested grid call us again wit fake _mouseUp
            this._touchTarget.removeEventListener('touchmove', touchmove);
            this._touchTarget.removeEventListener('touchend', touchend);
            this._touchTarget.removeEventListener('touchcancel', touchend);
            delete this._touchTarget;
        }
        if (this.dragging) {
            delete this.dragging;
            Utils.pauseIframePointerEvents(false);
            delete this.el.gridstackNode?._origRotate;
            document.removeEventListener('keydown', this._keyEvent);
            document.removeEventListener('scroll', this._updateCBDrift, true);
            this._cbDrift = { dx: 0, dy: 0 };
            // reset the drop target if dragging over ourself (already parented, just moving during stop callback below)
            if (DDManager.dropElement?.el === this.el.parentElement) {
                delete DDManager.dropElement;
            }
            this.helperContainment.style.position = this.parentOriginStylePosition || null;
            if (this.helper && this.helper !== this.el)
                this.helper.remove(); // hide now
            this._removeHelperStyle();
            const ev = Utils.initEvent(e, { target: this.el, type: 'dragstop' });
            if (this.option.stop) {
                this.option.stop(ev); // NOTE: destroy() will be called when removing item, so expect NULL ptr after!
            }
            this.triggerEvent('dragstop', ev);
            // call the droppable method to receive the item
            if (DDManager.dropElement) {
                DDManager.dropElement.drop(e);
            }
        }
        delete this.helper;
        delete this.mouseDownEvent;
        delete DDManager.dragElement;
        delete DDManager.dropElement;
        delete DDManager.mouseHandled;
        delete DDManager.mouseHandledTimeStamp;
        DDTouch.touchHandled = false;
        e.preventDefault();
    }
    /** @internal call when keys are being pressed - use Esc to cancel, R to rotate */
    _keyEvent(e) {
        const n = this.el.gridstackNode;
        const grid = n?.grid || DDManager.dropElement?.el?.gridstack;
        if (e.key === 'Escape') {
            if (n && n._origRotate) {
                n._orig = n._origRotate;
                delete n._origRotate;
            }
            grid?.cancelDrag();
            this._mouseUp(this.mouseDownEvent);
        }
        else if (n && grid && (e.key === 'r' || e.key === 'R')) {
            if (!Utils.canBeRotated(n))
                return;
            n._origRotate = n._origRotate || { ...n._orig }; // store the real orig size in case we Esc after doing rotation
            delete n._moving; // force rotate to happen (move waits for >50% coverage otherwise)
            grid.setAnimation(false) // immediate rotate so _getDragOffset() gets the right dom size below
                .rotate(n.el, {
                top: -this.dragOffset.offsetTop,
                left: -this.dragOffset.offsetX
            })
                .setAnimation();
            n._moving = true;
            this.dragOffset = this._getDragOffset(this.lastDrag, n.el, this.helperContainment);
            this.helper.style.width = this.dragOffset.width + 'px';
            this.helper.style.height = this.dragOffset.height + 'px';
            Utils.swap(n._orig, 'w', 'h');
            delete n._rect;
            this._mouseMove(this.lastDrag);
        }
    }
    /** @internal create a clone copy (or user defined method) of the original drag item if set */
    _createHelper() {
        let helper = this.el;
        if (typeof this.option.helper === 'function') {
            helper = this.option.helper(this.el);
        }
        else if (this.option.helper === 'clone') {
            helper = Utils.cloneNode(this.el);
        }
        if (!helper.parentElement) {
            Utils.appendTo(helper, this.option.appendTo === 'parent' ? this.el.parentElement : (this.option.appendTo ?? 'body'));
        }
        this.dragElementOriginStyle = DDDraggable.originStyleProp.map(prop => this.el.style[prop]);
        return helper;
    }
    /** @internal set the fix position of the dragged item */
    _setupHelperStyle(e) {
        this.helper.classList.add('ui-draggable-dragging');
        this.el.gridstackNode?.grid?.el.classList.add('grid-stack-dragging');
        // TODO: set all at once with style.cssText += ... ? https://stackoverflow.com/questions/3968593
        const style = this.helper.style;
        style.pointerEvents = 'none'; // needed for over items to get enter/leave
        // style.cursor = 'move'; //  TODO: can't set with pointerEvents=none ! (no longer in CSS either as no-op)
        style.width = this.dragOffset.width + 'px';
        style.height = this.dragOffset.height + 'px';
        style.willChange = 'left, right, top';
        style.position = 'fixed'; // let us drag between grids by not clipping as parent .grid-stack is position: 'relative'
        this._dragFollow(e); // now position it
        style.transition = 'none'; // show up instantly
        setTimeout(() => {
            if (this.helper) {
                style.transition = null; // recover animation
            }
        }, 0);
        return this;
    }
    /** @internal restore back the original style before dragging */
    _removeHelperStyle() {
        this.helper.classList.remove('ui-draggable-dragging');
        (this.el._gridstackNodeOrig || this.el.gridstackNode)?.grid?.el.classList.remove('grid-stack-dragging');
        const node = this.helper?.gridstackNode;
        // don't bother restoring styles if we're gonna remove anyway...
        if (!node?._isAboutToRemove && this.dragElementOriginStyle) {
            const helper = this.helper;
            const originStyle = this.dragElementOriginStyle; // capture before closure so narrowing persists
            // don't animate, otherwise we animate offseted when switching back to 'absolute' from 'fixed'.
            // TODO: this also removes resizing animation which doesn't have this issue, but others.
            // Ideally both would animate ('move' would immediately restore 'absolute' and adjust coordinate to match,
            // then trigger a delay (repaint) to restore to final dest with animate) but then we need to make sure 'resizestop'
            // is called AFTER 'transitionend' event is received (see https://github.com/gridstack/gridstack.js/issues/2033)
            const idxOf = DDDraggable.originStyleProp.indexOf('transition');
            const transition = originStyle[idxOf] || null;
            helper.style.transition = originStyle[idxOf] = 'none'; // can't be NULL #1973
            const hStyle = helper.style;
            DDDraggable.originStyleProp.forEach((prop, i) => hStyle[prop] = originStyle[i] || null);
            setTimeout(() => helper.style.transition = transition || '', 50); // recover animation from saved vars after a pause (0 isn't enough #1973)
        }
        delete this.dragElementOriginStyle;
        return this;
    }
    /** @internal updates the top/left position to follow the mouse */
    _dragFollow(e) {
        const style = this.helper.style;
        const offset = this.dragOffset;
        const { dx, dy } = this._cbDrift; // back out however far our containing block has scrolled (#2728)
        if (this.option.rtl) {
            style.right = ((window.innerWidth - e.clientX) + offset.offsetX + dx) * this.dragTransform.xScale + 'px';
            if (style.left)
                style.left = '';
        }
        else {
            style.left = (e.clientX + offset.offsetX - dx) * this.dragTransform.xScale + 'px';
            if (style.right)
                style.right = '';
        }
        style.top = (e.clientY + offset.offsetTop - dy) * this.dragTransform.yScale + 'px';
    }
    /** @internal */
    _setupHelperContainmentStyle() {
        this.helperContainment = this.helper.parentElement;
        if (this.helper.style.position !== 'fixed') {
            this.parentOriginStylePosition = this.helperContainment.style.position;
            if (getComputedStyle(this.helperContainment).position.match(/static/)) {
                this.helperContainment.style.position = 'relative';
            }
        }
        return this;
    }
    /** @internal */
    _getDragOffset(event, el, parent) {
        // in case ancestor has transform/perspective css properties that change the viewpoint
        let xformOffsetX = 0;
        let xformOffsetY = 0;
        if (parent) {
            xformOffsetX = this.dragTransform.xOffset;
            xformOffsetY = this.dragTransform.yOffset;
        }
        const targetOffset = el.getBoundingClientRect();
        let x = this.option.rtl ? targetOffset.right : targetOffset.left;
        let offsetX = this.option.rtl
            ? (event.clientX - targetOffset.right + xformOffsetX)
            : (-event.clientX + targetOffset.left - xformOffsetX);
        return {
            x,
            top: targetOffset.top,
            offsetX,
            offsetTop: -event.clientY + targetOffset.top - xformOffsetY,
            width: targetOffset.width * this.dragTransform.xScale,
            height: targetOffset.height * this.dragTransform.yScale
        };
    }
    /** @internal starts or continues auto-scroll when the cursor nears a scroll edge during a drag.
     * Takes the grid's own element to find the scroll container so external/sidebar drags work too (#2074). */
    updateScrollPosition(gridEl) {
        this._autoScrollContainer = Utils.getScrollElement(gridEl); // always use latest active grid
        this._checkAutoScroll();
    }
    /** @internal start/stop auto-scroll of _autoScrollContainer for the current cursor position */
    _checkAutoScroll() {
        if (!this.lastDrag || !this.helper || !this._autoScrollContainer)
            return;
        const y = this.lastDrag.clientY;
        const amount = this._getScrollAmount(this.helper, this._autoScrollContainer, y);
        if (!amount) {
            this._stopScrolling();
            return;
        } // cursor not near an edge (or item not clipped there)
        if (this._autoScrollAnimId)
            return; // already scrolling - keep going even if the cursor now sits still
        // only START once the cursor has headed for that edge since the drag began (net, so speed doesn't matter),
        // not just because it sits in the band with a clipped item - unless it's already right at (or past) the edge
        const dir = Math.sign(amount); // -1 = up, +1 = down
        const moved = (y - (this.mouseDownEvent?.clientY ?? y)) * dir;
        const edges = this._scrollEdges(this._autoScrollContainer);
        const toEdge = dir < 0 ? y - edges.top : edges.bottom - y; // <= 0 once past the edge
        if (moved >= DDDraggable.autoScrollStartMove || toEdge <= DDDraggable.autoScrollStartMove) {
            this._autoScrollAnimId = requestAnimationFrame(this._autoScrollTick);
        }
    }
    /** @internal V edges (viewport coords) of the scroll container that are actually on screen - what's really
     * visible, NOT window.innerHeight which sits under iOS's overlaying tool bars (#2666) */
    _scrollEdges(scrollEl) {
        const rect = scrollEl.getBoundingClientRect();
        const view = Utils.getVisibleViewport();
        return { top: Math.max(rect.top, view.top), bottom: Math.min(rect.bottom, view.bottom) };
    }
    /** @internal how many px to scroll this frame based on the CURSOR: negative = up, positive = down, 0 = don't scroll.
     * We trigger off the cursor nearing an edge (intentional - the user is driving toward it) rather than the dragged
     * box touching it: an item taller than the view overhangs both edges for the whole drag and would scroll non-stop
     * (#3356). We still require the item to be clipped on that side so we don't scroll when nothing of it is left to
     * reveal that way. Speed ramps up the closer the cursor gets to the edge, capped at `_autoScrollMaxSpeed`. */
    _getScrollAmount(el, scrollEl, clientY) {
        const elRect = el.getBoundingClientRect();
        const { top: topEdge, bottom: botEdge } = this._scrollEdges(scrollEl);
        if (botEdge <= topEdge)
            return 0; // scroll region fully off-screen
        // trigger band = a slice of the visible scroll height (with a px floor for short containers)
        const band = Math.max((botEdge - topEdge) * DDDraggable.autoScrollBand, DDDraggable.autoScrollBandMin);
        if (!this._autoScrollMaxSpeed)
            this._autoScrollMaxSpeed = Math.max((botEdge - topEdge) / 50, 12);
        // speed ramps from a floor (so entering the band already moves at a good clip, not a crawl) up to
        // full speed right at the edge - otherwise most of the band scrolls too slowly to feel responsive
        const ramp = (depth) => this._autoScrollMaxSpeed *
            (DDDraggable.autoScrollMinRatio + (1 - DDDraggable.autoScrollMinRatio) * Math.min(depth / band, 1));
        // cursor near the top edge and item still overhanging above it -> scroll up
        const topDepth = topEdge + band - clientY;
        if (topDepth > 0 && elRect.top < topEdge - 1)
            return -ramp(topDepth);
        // cursor near the bottom edge and item still overhanging below it -> scroll down
        const botDepth = clientY - (botEdge - band);
        if (botDepth > 0 && elRect.bottom > botEdge + 1)
            return ramp(botDepth);
        return 0;
    }
    /** @internal stop any active auto-scroll animation */
    _stopScrolling() {
        if (this._autoScrollAnimId) {
            cancelAnimationFrame(this._autoScrollAnimId);
            delete this._autoScrollAnimId;
        }
    }
    /** @internal TODO: set to public as called by DDDroppable! */
    ui() {
        const containmentEl = this.el.parentElement;
        const containmentRect = containmentEl.getBoundingClientRect();
        const offset = this.helper.getBoundingClientRect();
        // RTL: GridStack measures column positions from the right side of the container,
        // so we report `left` as the distance between the helper's right edge and the
        // container's right edge (both in viewport-left coordinates via getBoundingClientRect).
        const leftPos = this.option.rtl
            ? (containmentRect.right - offset.right) * this.dragTransform.xScale
            : (offset.left - containmentRect.left) * this.dragTransform.xScale;
        return {
            position: {
                top: (offset.top - containmentRect.top) * this.dragTransform.yScale,
                left: leftPos
            }
            /* not used by GridStack for now...
            helper: [this.helper], //The object arr representing the helper that's being dragged.
            offset: { top: offset.top, left: offset.left } // Current offset position of the helper as { top, left } object.
            */
        };
    }
}
/** @internal properties we change during dragging, and restore back */
DDDraggable.originStyleProp = ['width', 'height', 'transform', 'transform-origin', 'transition', 'pointerEvents', 'position', 'left', 'right', 'top', 'minWidth', 'willChange'];
/** @internal auto-scroll trigger band: cursor within this fraction of the visible scroll height from an
 * edge starts scrolling, with a px floor so short containers still trigger. See _getScrollAmount() #3356 */
DDDraggable.autoScrollBand = 0.08;
DDDraggable.autoScrollBandMin = 30;
/** @internal min fraction of max speed when the cursor just enters the band, ramping to full at the edge #3356 */
DDDraggable.autoScrollMinRatio = 0.4;
/** @internal px the cursor must have moved toward an edge (from where the drag started) before auto-scroll
 * STARTS - unless it's already this close to the edge (or past it). So sitting in the band, or sliding
 * sideways along it, with a clipped item doesn't scroll - only heading for that edge does #3356 */
DDDraggable.autoScrollStartMove = 10;
export { DDDraggable };
//# sourceMappingURL=dd-draggable.js.map