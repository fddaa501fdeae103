<?xml version="1.0" encoding="UTF-8"?>
<!-- reviews.xsl: all reviews of one service, newest first, with its rating and a pager
     (GET /services/{id}/reviews); the form to write one is on the service page. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:mkt="urn:llm-marketplace:xslt"
    exclude-result-prefixes="mkt">

  <!-- The stars, the rating and one review as on the service page. -->
  <xsl:import href="item.xsl"/>

  <xsl:template name="page-title">
    <xsl:value-of select='mkt:tr("Reviews")'/>
    <xsl:text>: </xsl:text>
    <xsl:value-of select="/page/data/service/name"/>
  </xsl:template>

  <xsl:template match="data" mode="content">
    <nav class="breadcrumb" aria-label='{mkt:tr("Breadcrumb")}'>
      <ol>
        <li><a href="/services"><xsl:value-of select='mkt:tr("Catalog")'/></a></li>
        <li><a href="{service/links/self}"><xsl:value-of select="service/name"/></a></li>
        <li><a href="/services/{service/slug}/reviews" aria-current="page"><xsl:value-of select='mkt:tr("Reviews")'/></a></li>
      </ol>
    </nav>
    <div class="page-head">
      <h1>
        <xsl:value-of select='mkt:tr("Reviews")'/>
        <xsl:text>: </xsl:text>
        <xsl:value-of select="service/name"/>
      </h1>
      <xsl:call-template name="rating-summary"><xsl:with-param name="rating" select="rating"/></xsl:call-template>
      <p><a href="{service/links/self}#reviews"><xsl:value-of select='mkt:tr("Write or change your review on the service page")'/></a></p>
    </div>
    <xsl:choose>
      <xsl:when test="reviews/item">
        <ol class="approval-queue review-list card">
          <xsl:apply-templates select="reviews/item" mode="review">
            <xsl:with-param name="slug" select="service/slug"/>
            <xsl:with-param name="provider" select="service/provider"/>
          </xsl:apply-templates>
        </ol>
      </xsl:when>
      <xsl:otherwise>
        <div class="empty-state">
          <p><xsl:value-of select='mkt:tr("No reviews yet.")'/></p>
          <p><xsl:value-of select='mkt:tr("People who have used this service can review it on its page.")'/></p>
        </div>
      </xsl:otherwise>
    </xsl:choose>
    <xsl:call-template name="pager">
      <xsl:with-param name="base" select="concat('/services/', service/slug, '/reviews')"/>
    </xsl:call-template>
  </xsl:template>

</xsl:stylesheet>
