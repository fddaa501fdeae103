<?xml version="1.0" encoding="UTF-8"?>
<!-- reviews.xsl: moderation of the services' reviews (GET /admin/reviews): every review, newest first,
     filtered by state or service, each with a form to hide it (or show it again) with a reason. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:mkt="urn:llm-marketplace:xslt"
    exclude-result-prefixes="mkt">

  <!-- The stars and multi-line text of the service page. -->
  <xsl:import href="../search/item.xsl"/>

  <xsl:variable name="csrf" select="string(/page/data/csrf)"/>

  <xsl:template name="page-title">
    <xsl:value-of select='mkt:tr("Reviews")'/>
  </xsl:template>

  <xsl:template match="data" mode="content">
    <nav class="breadcrumb" aria-label='{mkt:tr("Breadcrumb")}'>
      <ol>
        <li><a href="/admin"><xsl:value-of select='mkt:tr("Administration")'/></a></li>
        <li><a href="/admin/reviews" aria-current="page"><xsl:value-of select='mkt:tr("Reviews")'/></a></li>
      </ol>
    </nav>
    <div class="page-head">
      <h1><xsl:value-of select='mkt:tr("Reviews")'/></h1>
      <p class="summary">
        <xsl:value-of select='mkt:tr("Hidden")'/>
        <xsl:text>: </xsl:text>
        <strong><xsl:call-template name="number"><xsl:with-param name="value" select="hidden_total"/></xsl:call-template></strong>
      </p>
      <p class="page-intro"><xsl:value-of select='mkt:tr("Hiding a review takes it off the service page and out of its rating; its author still sees it with your reason. Every decision is kept in the audit trail.")'/></p>
    </div>

    <xsl:if test="normalize-space(notice) != ''">
      <p class="callout callout-attention" role="status"><xsl:value-of select="notice"/></p>
    </xsl:if>

    <form class="filters" method="get" action="/admin/reviews">
      <div class="field">
        <label for="f-state"><xsl:value-of select='mkt:tr("Show")'/></label>
        <select id="f-state" name="state">
          <xsl:call-template name="state-option"><xsl:with-param name="value" select="''"/><xsl:with-param name="label" select='mkt:tr("All reviews")'/></xsl:call-template>
          <xsl:call-template name="state-option"><xsl:with-param name="value" select="'visible'"/><xsl:with-param name="label" select='mkt:tr("Visible reviews")'/></xsl:call-template>
          <xsl:call-template name="state-option"><xsl:with-param name="value" select="'hidden'"/><xsl:with-param name="label" select='mkt:tr("Hidden reviews")'/></xsl:call-template>
        </select>
      </div>
      <div class="field">
        <label for="f-service"><xsl:value-of select='mkt:tr("Service (slug)")'/></label>
        <input id="f-service" name="service" type="text" maxlength="128" value="{filters/service}"/>
      </div>
      <div class="form-actions">
        <button type="submit" class="button"><xsl:value-of select='mkt:tr("Apply")'/></button>
      </div>
    </form>

    <xsl:choose>
      <xsl:when test="reviews/item">
        <ol class="approval-queue">
          <xsl:apply-templates select="reviews/item" mode="moderate"/>
        </ol>
      </xsl:when>
      <xsl:otherwise>
        <div class="empty-state">
          <p><xsl:value-of select='mkt:tr("No reviews match these filters.")'/></p>
          <p><a href="/admin/reviews"><xsl:value-of select='mkt:tr("Show all reviews")'/></a></p>
        </div>
      </xsl:otherwise>
    </xsl:choose>

    <xsl:call-template name="pager">
      <xsl:with-param name="base" select="'/admin/reviews'"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="state-option">
    <xsl:param name="value"/>
    <xsl:param name="label"/>
    <option value="{$value}">
      <xsl:if test="string(/page/data/filters/state) = $value">
        <xsl:attribute name="selected">selected</xsl:attribute>
      </xsl:if>
      <xsl:value-of select="$label"/>
    </option>
  </xsl:template>

  <!-- One review with what a moderator needs, and the hide / show-again form. -->
  <xsl:template match="item" mode="moderate">
    <xsl:variable name="rid" select="concat('r-', id)"/>
    <li class="card approval-card" id="{$rid}" aria-labelledby="{$rid}-h">
      <header class="version-head">
        <h2 id="{$rid}-h" class="card-subhead">
          <a href="/services/{service/slug}"><xsl:value-of select="service/name"/></a>
          <xsl:text> </xsl:text>
          <xsl:call-template name="stars"><xsl:with-param name="value" select="rating"/></xsl:call-template>
        </h2>
        <xsl:choose>
          <xsl:when test="hidden = 'true'"><span class="badge badge-suspended"><xsl:value-of select='mkt:tr("Hidden")'/></span></xsl:when>
          <xsl:otherwise><span class="badge badge-active"><xsl:value-of select='mkt:tr("Visible")'/></span></xsl:otherwise>
        </xsl:choose>
      </header>
      <dl class="inline-facts">
        <div>
          <dt><xsl:value-of select='mkt:tr("Author")'/></dt>
          <dd><xsl:value-of select="author"/></dd>
        </div>
        <div>
          <dt><xsl:value-of select='mkt:tr("Provider")'/></dt>
          <dd><xsl:value-of select="provider"/></dd>
        </div>
        <div>
          <dt><xsl:value-of select='mkt:tr("Written")'/></dt>
          <dd><xsl:call-template name="date"><xsl:with-param name="value" select="created_at"/></xsl:call-template></dd>
        </div>
        <xsl:if test="hidden = 'true'">
          <div>
            <dt><xsl:value-of select='mkt:tr("Hidden by")'/></dt>
            <dd>
              <xsl:if test="normalize-space(hidden_by) != ''">
                <xsl:value-of select="hidden_by"/>
                <span class="sep" aria-hidden="true"> · </span>
              </xsl:if>
              <xsl:call-template name="date"><xsl:with-param name="value" select="hidden_at"/></xsl:call-template>
            </dd>
          </div>
          <div>
            <dt><xsl:value-of select='mkt:tr("Reason")'/></dt>
            <dd class="approval-reason"><xsl:value-of select="hidden_reason"/></dd>
          </div>
        </xsl:if>
      </dl>
      <div class="approval-grid">
        <div>
          <xsl:if test="normalize-space(title) != ''">
            <h3 class="version-subhead"><xsl:value-of select="title"/></h3>
          </xsl:if>
          <p><xsl:call-template name="lines"><xsl:with-param name="text" select="string(body)"/></xsl:call-template></p>
          <xsl:if test="normalize-space(reply) != ''">
            <h3 class="version-subhead"><xsl:value-of select='mkt:tr("Reply from the provider")'/></h3>
            <p><xsl:call-template name="lines"><xsl:with-param name="text" select="string(reply)"/></xsl:call-template></p>
          </xsl:if>
        </div>
        <xsl:variable name="action">
          <xsl:choose>
            <xsl:when test="hidden = 'true'">unhide</xsl:when>
            <xsl:otherwise>hide</xsl:otherwise>
          </xsl:choose>
        </xsl:variable>
        <form method="post" action="/admin/reviews/{id}/{$action}" class="decision-form">
          <input type="hidden" name="csrf" value="{$csrf}"/>
          <div class="field">
            <label for="{$rid}-reason"><xsl:value-of select='mkt:tr("Reason")'/></label>
            <textarea id="{$rid}-reason" name="reason" rows="3" maxlength="1000" required="required" aria-describedby="{$rid}-reason-h"></textarea>
            <p class="field-hint" id="{$rid}-reason-h"><xsl:value-of select='mkt:tr("Required: kept in the audit trail and shown to the author of a hidden review.")'/></p>
          </div>
          <div class="form-actions">
            <xsl:choose>
              <xsl:when test="hidden = 'true'">
                <button type="submit" class="button"><xsl:value-of select='mkt:tr("Show again")'/></button>
              </xsl:when>
              <xsl:otherwise>
                <button type="submit" class="button button-danger"><xsl:value-of select='mkt:tr("Hide")'/></button>
              </xsl:otherwise>
            </xsl:choose>
          </div>
        </form>
      </div>
    </li>
  </xsl:template>

</xsl:stylesheet>
